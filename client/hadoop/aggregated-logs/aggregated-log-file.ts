// The records YARN's AggregatedLogFormat.LogWriter puts in a TFile (hadoop-yarn-common
// logaggregation/AggregatedLogFormat.java), one file per node per application. Every key is a
// DataOutput.writeUTF string. Three are reserved: VERSION (value: an int, 1), APPLICATION_ACL
// (value: writeUTF pairs of ApplicationAccessType and ACL) and APPLICATION_OWNER (value: the user,
// writeUTF). Every other key is a container id; its value is, per log file in name order, the
// file's name (writeUTF), its length as a decimal string (writeUTF, "so that it is printable"),
// and that many bytes. This module turns the bytes into those values and back, without I/O.
import { AggregatedLogFormatError } from './aggregated-log-errors.js';
import { DataCursor } from './tfile/data-cursor.js';
import { DataSink } from './tfile/data-sink.js';
import { type TFileCompression } from './tfile/tfile-compression.js';
import { readTFileRecords } from './tfile/tfile-reader.js';
import { TFileWriter } from './tfile/tfile-writer.js';

export const AGGREGATED_LOG_VERSION = 1;
const VERSION_KEY = 'VERSION';
const APPLICATION_ACL_KEY = 'APPLICATION_ACL';
const APPLICATION_OWNER_KEY = 'APPLICATION_OWNER';

/** One container log file as it was uploaded. */
export interface AggregatedLogFileEntry {
  fileName: string;
  /** The length the NodeManager recorded (the bytes that follow). */
  length: number;
  content: Uint8Array;
}

export interface AggregatedContainerLogs {
  containerId: string;
  files: AggregatedLogFileEntry[];
}

/** One node's aggregated log file of one application. */
export interface AggregatedLogFile {
  version: number;
  owner: string | undefined;
  /** ApplicationAccessType (VIEW_APP, MODIFY_APP) and its ACL, in file order. */
  acls: [string, string][];
  /** In file order (the order the NodeManager uploaded them). */
  containers: AggregatedContainerLogs[];
}

function containerFiles(containerId: string, value: Uint8Array): AggregatedLogFileEntry[] {
  const cursor = new DataCursor(value, `the logs of ${containerId}`);
  const files: AggregatedLogFileEntry[] = [];
  while (cursor.remaining > 0) {
    const fileName = cursor.readUtf();
    const lengthText = cursor.readUtf();
    const length = Number(lengthText);
    if (!/^\d+$/.test(lengthText) || !Number.isSafeInteger(length))
      throw new AggregatedLogFormatError(`the length of ${containerId}'s ${fileName} is "${lengthText}", not a number`);
    files.push({ fileName, length, content: cursor.readBytes(length) });
  }
  return files;
}

/** Decodes a whole aggregated log file (TFile). */
export function decodeAggregatedLogFile(bytes: Uint8Array): AggregatedLogFile {
  const file: AggregatedLogFile = { version: 0, owner: undefined, acls: [], containers: [] };
  for (const record of readTFileRecords(bytes)) {
    const key = new DataCursor(record.key, 'a log key').readUtf();
    const value = new DataCursor(record.value, `the value of ${key}`);
    if (key === VERSION_KEY) file.version = value.readInt();
    else if (key === APPLICATION_OWNER_KEY) file.owner = value.readUtf();
    else if (key === APPLICATION_ACL_KEY) while (value.remaining > 0) file.acls.push([value.readUtf(), value.readUtf()]);
    else file.containers.push({ containerId: key, files: containerFiles(key, record.value) });
  }
  return file;
}

function utfBytes(text: string): Uint8Array {
  const sink = new DataSink();
  sink.writeUtf(text);
  return sink.toBytes();
}

export interface AggregatedLogFileInput {
  owner: string;
  acls?: [string, string][];
  containers: { containerId: string; files: { fileName: string; content: Uint8Array }[] }[];
  /** yarn.nodemanager.log-aggregation.compression-type (default none). */
  compression?: TFileCompression;
}

/**
 * Encodes what LogWriter writes: VERSION, APPLICATION_ACL, APPLICATION_OWNER (the order
 * LogAggregationTFileController.initializeWriter writes them in), then each container with its files sorted by name
 * (LogValue.write sorts them); a container without files is left out, as LogWriter.append does.
 */
export function encodeAggregatedLogFile(input: AggregatedLogFileInput): Uint8Array {
  const writer = new TFileWriter(input.compression ?? 'none');
  const version = new DataSink();
  version.writeInt(AGGREGATED_LOG_VERSION);
  writer.append(utfBytes(VERSION_KEY), version.toBytes());
  const acls = new DataSink();
  for (const [type, acl] of input.acls ?? []) {
    acls.writeUtf(type);
    acls.writeUtf(acl);
  }
  writer.append(utfBytes(APPLICATION_ACL_KEY), acls.toBytes());
  writer.append(utfBytes(APPLICATION_OWNER_KEY), utfBytes(input.owner));
  for (const c of input.containers) {
    if (c.files.length === 0) continue;
    const value = new DataSink();
    for (const f of [...c.files].sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0))) {
      value.writeUtf(f.fileName);
      value.writeUtf(String(f.content.length));
      value.writeBytes(f.content);
    }
    writer.append(utfBytes(c.containerId), value.toBytes());
  }
  return writer.finish();
}
