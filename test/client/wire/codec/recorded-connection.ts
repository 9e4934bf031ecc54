import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { protocolByName } from '../../../../client/wire/codec/hadoop-protocols.js';
import { decodeMessage, encodeMessage, type ProtoMessageName } from '../../../../client/wire/codec/protobuf-codec.js';
import { FIXTURES, readFixtureJson, streamBytes, type IpcConnectionFixture } from '../../../support/fixtures.js';
import { PREAMBLE_LENGTH, splitFrames } from '../../../support/ipc-frames.js';

/** Recorded YARN connections, classified message by message as a Hadoop peer would. */
// Every recorded YARN connection (RM client port, RM scheduler port, NodeManager): HDFS on 9000 is
// out of scope because Loom talks WebHDFS.
const YARN_PORTS = new Set([8030, 8032, 45454]);
const SASL_CALL_ID = -33;
const CONTEXT_CALL_ID = -3;
const SASL_REPLY_ID = 2 ** 32 - 33; // the response header's call id is uint32

export function connectionFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.json')) out.push(join(dir, e.name));
    }
  };
  walk(join(FIXTURES, 'ipc'));
  return out.sort().filter((f) => YARN_PORTS.has(readFixtureJson<IpcConnectionFixture>(relative(FIXTURES, f)).port));
}

export interface DecodedMessage {
  type: string | null; // null: the method is unknown to our descriptors (as it was to the server)
  bytes: Buffer;
}

export interface DecodedFrame {
  dir: 'c2s' | 's2c';
  offset: number;
  callId: number;
  messages: DecodedMessage[];
}

export interface Call {
  method: string;
  request?: any;
  response?: any;
  status?: string;
}

/** Assigns a message type to every message of a connection, the way a Hadoop peer would. */
export function classify(conn: IpcConnectionFixture): { frames: DecodedFrame[]; calls: Map<number, Call> } {
  const c2s = streamBytes(conn, 'c2s');
  const s2c = streamBytes(conn, 's2c');
  const frames: DecodedFrame[] = [];
  const calls = new Map<number, Call>();
  const callTypes = new Map<number, string | null>();
  for (const f of splitFrames(c2s, PREAMBLE_LENGTH)) {
    const header = decodeMessage('hadoop.common.RpcRequestHeaderProto', f.messages[0]);
    const types: (string | null)[] = ['hadoop.common.RpcRequestHeaderProto'];
    if (header.callId === SASL_CALL_ID) types.push('hadoop.common.RpcSaslProto');
    else if (header.callId === CONTEXT_CALL_ID) types.push('hadoop.common.IpcConnectionContextProto');
    else {
      const rh = decodeMessage('hadoop.common.RequestHeaderProto', f.messages[1]);
      const method = protocolByName(rh.declaringClassProtocolName)?.methods[rh.methodName];
      types.push('hadoop.common.RequestHeaderProto', method?.request ?? null);
      callTypes.set(header.callId, method?.response ?? null);
      calls.set(header.callId, { method: rh.methodName });
    }
    frames.push({
      dir: 'c2s',
      offset: f.offset,
      callId: header.callId,
      messages: f.messages.map((bytes, i) => ({ type: types[i] ?? null, bytes })),
    });
  }
  for (const f of splitFrames(s2c)) {
    const header = decodeMessage('hadoop.common.RpcResponseHeaderProto', f.messages[0]);
    const types: (string | null)[] = ['hadoop.common.RpcResponseHeaderProto'];
    if (header.callId === SASL_REPLY_ID) types.push('hadoop.common.RpcSaslProto');
    else if (header.status === 'SUCCESS') types.push(callTypes.get(header.callId) ?? null);
    const call = calls.get(header.callId);
    if (call) call.status = header.status;
    frames.push({
      dir: 's2c',
      offset: f.offset,
      callId: header.callId,
      messages: f.messages.map((bytes, i) => ({ type: types[i] ?? null, bytes })),
    });
  }
  return { frames, calls };
}

/** Decodes, re-encodes and returns the object; throws if the bytes do not come back identical. */
export function roundTrip(type: string, bytes: Buffer): any {
  const value = decodeMessage(type as ProtoMessageName, bytes);
  const again = Buffer.from(encodeMessage(type as ProtoMessageName, value));
  if (!again.equals(bytes)) {
    throw new Error(`${type} does not round-trip:\n  recorded ${bytes.toString('hex')}\n  re-encoded ${again.toString('hex')}`);
  }
  return value;
}

/** The calls of one recorded connection with their decoded request and (SUCCESS) response. */
export function decodedCalls(relPath: string): Call[] {
  const conn = readFixtureJson<IpcConnectionFixture>('ipc', relPath);
  const { frames, calls } = classify(conn);
  for (const f of frames) {
    const call = calls.get(f.callId);
    const body = f.messages.at(f.dir === 'c2s' ? 2 : 1);
    if (!call || !body?.type) continue;
    if (f.dir === 'c2s') call.request = decodeMessage(body.type as ProtoMessageName, body.bytes);
    else call.response = decodeMessage(body.type as ProtoMessageName, body.bytes);
  }
  return [...calls.values()];
}
