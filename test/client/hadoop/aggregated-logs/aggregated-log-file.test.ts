// The aggregated log format against a file Hadoop 3.3.6's NodeManager wrote and the text its
// `yarn logs` printed for it (test/fixtures/log-aggregation/README.md says how they were recorded).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AggregatedLogFormatError,
  decodeAggregatedLogFile,
  encodeAggregatedLogFile,
  formatContainerLogFile,
  formatHadoopTime,
} from '../../../../client/hadoop/aggregated-logs/index.js';
import { DataCursor } from '../../../../client/hadoop/aggregated-logs/tfile/data-cursor.js';
import { DataSink } from '../../../../client/hadoop/aggregated-logs/tfile/data-sink.js';
import { TFileWriter } from '../../../../client/hadoop/aggregated-logs/tfile/tfile-writer.js';
import { readTFileRecords } from '../../../../client/hadoop/aggregated-logs/tfile/tfile-reader.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'log-aggregation');
const NODE_FILE = new Uint8Array(readFileSync(join(FIXTURES, 'application_1796661065304_0001-localhost_45454.tfile')));
const YARN_LOGS = readFileSync(join(FIXTURES, 'application_1796661065304_0001.yarn-logs.txt'));
/** The node file's modificationTime on HDFS when `yarn logs` ran. */
const NODE_FILE_MTIME = 1796661223225;

describe('aggregated log file (TFile), as Hadoop 3.3.6 wrote it', () => {
  const file = decodeAggregatedLogFile(NODE_FILE);

  it('reads the meta keys and every container with its files in written order', () => {
    expect(file.version).toBe(1);
    expect(file.owner).toBe('root');
    expect(file.acls).toEqual([]);
    expect(file.containers.map((c) => c.containerId)).toEqual([
      'container_1796661065304_0001_01_000002',
      'container_1796661065304_0001_01_000001',
      'container_1796661065304_0001_01_000003',
    ]);
    const am = file.containers[1];
    expect(am.files.map((f) => [f.fileName, f.length])).toEqual([
      ['AppMaster.stderr', 5726],
      ['AppMaster.stdout', 0],
      ['directory.info', 1879],
      ['launch_container.sh', 4172],
      ['prelaunch.err', 0],
      ['prelaunch.out', 100],
    ]);
    const stdout = file.containers[0].files.find((f) => f.fileName === 'stdout');
    expect(new TextDecoder().decode(stdout?.content)).toBe('err\n');
  });

  it('formats exactly what `yarn logs -applicationId` printed, byte for byte', () => {
    const parts = file.containers.flatMap((c) =>
      c.files.map((f) =>
        formatContainerLogFile(
          { containerId: c.containerId, nodeId: 'localhost_45454', ...f, lastModifiedTime: NODE_FILE_MTIME },
          { utcOffsetMinutes: 0 },
        ),
      ),
    );
    expect(Buffer.concat(parts).toString('utf8')).toBe(YARN_LOGS.toString('utf8'));
    expect(Buffer.concat(parts).equals(YARN_LOGS)).toBe(true);
  });

  it('writes the same bytes back (uncompressed, as yarn.nodemanager.log-aggregation.compression-type none does)', () => {
    const again = encodeAggregatedLogFile({
      owner: 'root',
      containers: file.containers.map((c) => ({ containerId: c.containerId, files: c.files })),
    });
    expect(Buffer.from(again).equals(Buffer.from(NODE_FILE))).toBe(true);
  });

  it('refuses bytes that are not a TFile, naming the problem', () => {
    expect(() => decodeAggregatedLogFile(new TextEncoder().encode('hello world, not a tfile at all'))).toThrow(AggregatedLogFormatError);
    expect(() => decodeAggregatedLogFile(NODE_FILE.subarray(0, NODE_FILE.length - 3))).toThrow(/magic/);
  });
});

describe('aggregated log file written by Loom', () => {
  const containers = [
    { containerId: 'container_1_0001_01_000001', files: [{ fileName: 'stdout', content: new TextEncoder().encode('out\n') }] },
    { containerId: 'container_1_0001_01_000002', files: [] },
    {
      containerId: 'container_1_0001_01_000003',
      files: [
        { fileName: 'z.log', content: new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => i % 251) },
        { fileName: 'a.log', content: new Uint8Array(0) },
      ],
    },
  ];

  for (const compression of ['none', 'gz'] as const)
    it(`reads back (${compression}, values over one chunk, several blocks), files sorted, empty containers left out`, () => {
      const bytes = encodeAggregatedLogFile({ owner: 'alice', acls: [['VIEW_APP', 'bob']], containers, compression });
      const back = decodeAggregatedLogFile(bytes);
      expect(back.owner).toBe('alice');
      expect(back.acls).toEqual([['VIEW_APP', 'bob']]);
      expect(back.containers.map((c) => [c.containerId, c.files.map((f) => f.fileName)])).toEqual([
        ['container_1_0001_01_000001', ['stdout']],
        ['container_1_0001_01_000003', ['a.log', 'z.log']],
      ]);
      expect(Buffer.from(back.containers[1].files[1].content).equals(Buffer.from(containers[2].files[0].content))).toBe(true);
      if (compression === 'gz') expect(bytes.length).toBeLessThan(containers[2].files[0].content.length);
    });

  it('closes a data block once it reaches the minimum block size', () => {
    const writer = new TFileWriter('none', 100);
    for (let i = 0; i < 10; i++) writer.append(new TextEncoder().encode(`k${i}`), new Uint8Array(60));
    const records = readTFileRecords(writer.finish());
    expect(records.map((r) => new TextDecoder().decode(r.key))).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
  });
});

describe("TFile's variable-length integers (Utils.writeVLong)", () => {
  it('round-trips every encoding length and matches Hadoop on known bytes', () => {
    const values = [
      0,
      1,
      -1,
      -32,
      -33,
      127,
      128,
      -129,
      4750,
      0x5510,
      -20 * 256,
      20 * 256 - 1,
      20 * 256,
      2 ** 20,
      -(2 ** 20),
      2 ** 27,
      2 ** 31,
      -(2 ** 31),
      2 ** 40,
      2 ** 52,
      -(2 ** 52),
    ];
    for (const v of values) {
      const sink = new DataSink();
      sink.writeVLong(v);
      expect(new DataCursor(sink.toBytes(), 'test').readVLong()).toBe(v);
    }
    const bytes = (v: number) => {
      const sink = new DataSink();
      sink.writeVLong(v);
      return [...sink.toBytes()];
    };
    // Seen in the recorded file: a 4750-byte value chunk and a block offset of 0x5510.
    expect(bytes(4750)).toEqual([0xde, 0x8e]);
    expect(bytes(0x5510)).toEqual([0xa8, 0x55, 0x10]);
  });

  it("formats times as Hadoop's Times.format", () => {
    expect(formatHadoopTime(NODE_FILE_MTIME, 0)).toBe('Mon Dec 07 16:33:43 +0000 2026');
    expect(formatHadoopTime(NODE_FILE_MTIME, -330)).toBe('Mon Dec 07 11:03:43 -0530 2026');
  });
});
