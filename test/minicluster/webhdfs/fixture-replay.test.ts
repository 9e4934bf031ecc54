/**
 * Replays all 50 recorded WebHDFS exchanges from Hadoop 3.3.6, in the recorded order, against
 * our server (users root and alice, root as superuser and static user, as on the recording
 * cluster) and compares status, 100 Continue, headers and bodies with the recording. Times and
 * inode ids differ between clusters, so they are masked; everything else must match exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../support/fixtures.js';
import { json, send, startTestCluster, type HttpAnswer, type TestCluster } from './webhdfs-test-kit.js';

interface Exchange {
  name: string;
  request: { request_line: string; headers: string[]; body: null | { text?: string; base64?: string } };
  response: { status: number; headers: string[]; body: { text: string }; body_json: unknown };
  interim_responses: { status_line: string }[];
}

const index = readFixtureJson<{ file: string; name: string }[]>('webhdfs', 'index.json');

/** Times that are not SETTIMES values and ids differ per cluster; DataNode stack traces differ per server. */
function mask(text: string): string {
  return text
    .replace(/"(accessTime|modificationTime)":(\d+)/g, (m, k: string, v: string) =>
      ['0', '1700000000000', '1700000001000'].includes(v) ? m : `"${k}":"<time>"`,
    )
    .replace(/"fileId":\d+/g, '"fileId":"<id>"')
    .replace(/(\\n\\tat [^"]*)"/g, '<stack>"');
}

function header(lines: string[], name: string): string | undefined {
  const line = lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(line.indexOf(':') + 1).trim();
}

/** Same keys in the same order and same value types, recursively. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shape(v)]);
  }
  return value === null ? 'null' : typeof value;
}

describe('WebHDFS server replays the Hadoop 3.3.6 recordings', () => {
  let c: TestCluster;
  let rewrite: (s: string) => string;
  const answers = new Map<string, HttpAnswer>();

  beforeAll(async () => {
    c = await startTestCluster();
    const nn = `${c.server.nameNodeAddress.host}:${c.server.nameNodeAddress.port}`;
    const dn = `${c.server.dataNodeAddress.host}:${c.server.dataNodeAddress.port}`;
    // Recording: NameNode HTTP 9870, DataNode HTTP 9864, NameNode RPC 9000 (ours advertises its HTTP address).
    rewrite = (s) => s.replaceAll('127.0.0.1:9870', nn).replaceAll('127.0.0.1:9864', dn).replaceAll('127.0.0.1:9000', nn);
    // Same state as the recording cluster before exchange 03: /fixtures exists from an earlier run.
    c.server.namespace.mkdirs('root', '/fixtures');
    for (const entry of index) {
      const x = readFixtureJson<Exchange>('webhdfs', entry.file);
      const [method, target] = x.request.request_line.split(' ') as [string, string];
      const port = header(x.request.headers, 'Host')!.split(':')[1];
      const base = rewrite(`http://127.0.0.1:${port}`);
      const headers: Record<string, string> = {};
      for (const line of x.request.headers) {
        const name = line.slice(0, line.indexOf(':'));
        if (!['host', 'content-length'].includes(name.toLowerCase())) headers[name] = line.slice(name.length + 1).trim();
      }
      const b = x.request.body;
      const body = b ? (b.base64 !== undefined ? Buffer.from(b.base64, 'base64') : Buffer.from(b.text ?? '', 'utf8')) : undefined;
      answers.set(entry.name, await send(method, base + rewrite(target), { headers, body }));
    }
  });

  afterAll(async () => {
    await c.dispose();
  });

  it('covers all 50 exchanges', () => {
    expect(index).toHaveLength(50);
    expect(answers.size).toBe(50);
  });

  for (const entry of index) {
    it(entry.file, () => {
      const x = readFixtureJson<Exchange>('webhdfs', entry.file);
      const got = answers.get(entry.name)!;
      const rec = x.response;
      expect(got.status).toBe(rec.status);
      // 100 Continue exactly where the DataNode sent it.
      expect(got.interim).toEqual(x.interim_responses.map((i) => Number(i.status_line.split(' ')[1])));
      // Headers that carry meaning.
      expect(got.headers['content-type']).toBe(header(rec.headers, 'Content-Type'));
      const location = header(rec.headers, 'Location');
      expect(got.headers.location).toBe(location === undefined ? undefined : rewrite(location));
      expect(got.headers['transfer-encoding']).toBe(header(rec.headers, 'Transfer-Encoding'));
      if (header(rec.headers, 'Connection') === 'close') expect(got.headers.connection).toBe('close');
      const recordedLength = header(rec.headers, 'Content-Length');
      if (recordedLength !== undefined && !rec.body.text.includes('\\tat ')) {
        expect(got.headers['content-length']).toBe(recordedLength);
      }
      // Bodies: JSON with the same keys, order and types; exact text once times/ids/stacks are masked.
      const text = got.body.toString('utf8');
      if (rec.body_json !== null && rec.body_json !== undefined) {
        expect(shape(json(got))).toEqual(shape(rec.body_json));
        expect(mask(text)).toBe(mask(rewrite(rec.body.text)));
      } else {
        expect(text).toBe(rec.body.text);
      }
    });
  }

  it('DataNode error messages start with the recorded message and carry a stack-like tail', () => {
    for (const name of ['ERR-CREATE-permission-denied-step2', 'ERR-CREATE-exists-step2']) {
      const file = index.find((e) => e.name === name)!.file;
      const recorded = (readFixtureJson<Exchange>('webhdfs', file).response.body_json as any).RemoteException.message as string;
      const ours = json(answers.get(name)!).RemoteException.message as string;
      expect(ours.split('\n')[0]).toBe(recorded.split('\n')[0]);
      expect(ours).toMatch(/\n\tat /);
    }
  });

  it('allocates inode ids from 16386 upwards, as HDFS does', () => {
    // Setup created /fixtures (16386); exchange 03 deleted it; 04 made /fixtures (16387) and dir1 (16388).
    const dir = json(answers.get('GETFILESTATUS-dir')!).FileStatus;
    const files = json(answers.get('LISTSTATUS')!).FileStatuses.FileStatus;
    expect(dir.fileId).toBe(16388);
    expect(files.map((f: { fileId: number }) => f.fileId)).toEqual([16389, 16390]);
  });
});
