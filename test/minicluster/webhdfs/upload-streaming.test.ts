/**
 * A file is visible with its current length while its CREATE upload is still streaming, and an
 * upload cut off by the client leaves the bytes that arrived (HDFS keeps what was written).
 */
import { request, type ClientRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, send, startTestCluster, type TestCluster } from './webhdfs-test-kit.js';

/** Polls until `probe` returns true; the test fails by vitest's timeout, never on elapsed time. */
async function until(probe: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await probe())) await new Promise((r) => setTimeout(r, 10));
}

describe('WebHDFS uploads stream to disk', () => {
  let c: TestCluster;
  beforeEach(async () => {
    c = await startTestCluster();
  });
  afterEach(async () => {
    await c.dispose();
  });

  const status = async (path: string) => {
    const answer = await send('GET', c.nn(`${path}?op=GETFILESTATUS&user.name=root`));
    return answer.status === 200 ? json(answer).FileStatus : undefined;
  };

  /** Starts step 2 of a CREATE with a chunked body the test feeds piece by piece. */
  async function openUpload(path: string): Promise<{ req: ClientRequest; done: Promise<{ status: number; interim: number }> }> {
    const step1 = await send('PUT', c.nn(`${path}?op=CREATE&user.name=root`));
    let interim = 0;
    const req = request(String(step1.headers.location), { method: 'PUT', agent: false, headers: { 'Transfer-Encoding': 'chunked' } });
    const done = new Promise<{ status: number; interim: number }>((resolve, reject) => {
      req.on('information', () => interim++);
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, interim }));
      });
      req.on('error', reject);
    });
    return { req, done };
  }

  it('shows the file and its growing length during the upload', async () => {
    const { req, done } = await openUpload('/slow/file.bin');
    req.write(Buffer.alloc(1000, 1));
    await until(async () => (await status('/slow/file.bin'))?.length === 1000);
    const listing = json(await send('GET', c.nn('/slow?op=LISTSTATUS&user.name=root'))).FileStatuses.FileStatus;
    expect(listing.map((s: { pathSuffix: string; length: number }) => [s.pathSuffix, s.length])).toEqual([['file.bin', 1000]]);
    req.write(Buffer.alloc(2000, 2));
    await until(async () => (await status('/slow/file.bin'))?.length === 3000);
    req.end(Buffer.alloc(500, 3));
    expect(await done).toEqual({ status: 201, interim: 1 });
    expect((await status('/slow/file.bin')).length).toBe(3500);
  });

  it('keeps the bytes received when the client disconnects, and frees the file for APPEND', async () => {
    const { req, done } = await openUpload('/cut/file.bin');
    done.catch(() => undefined);
    req.write(Buffer.alloc(700, 9));
    await until(async () => (await status('/cut/file.bin'))?.length === 700);
    req.destroy();
    const inode = () => c.server.namespace.statusOf('/cut/file.bin')!;
    await until(() => !c.server.namespace.isBeingWritten(inode()));
    expect((await status('/cut/file.bin')).length).toBe(700);
    const open = await send('GET', c.nn('/cut/file.bin?op=OPEN&user.name=root'));
    expect((await send('GET', String(open.headers.location))).body).toEqual(Buffer.alloc(700, 9));
    const append = await send('POST', c.nn('/cut/file.bin?op=APPEND&user.name=root'));
    const appended = await send('POST', String(append.headers.location), { body: 'tail' });
    expect([appended.status, appended.interim]).toEqual([200, [100]]);
    expect((await status('/cut/file.bin')).length).toBe(704);
  });

  it('answers exactly one 100 Continue when the client sends Expect: 100-continue', async () => {
    const step1 = await send('PUT', c.nn('/expect.txt?op=CREATE&user.name=root'));
    const answer = await send('PUT', String(step1.headers.location), { body: 'hello', headers: { Expect: '100-continue' } });
    expect([answer.status, answer.interim]).toEqual([201, [100]]);
  });

  it('serves an empty file, a read at EOF, and refuses a read past EOF', async () => {
    const step1 = await send('PUT', c.nn('/empty?op=CREATE&user.name=root'));
    expect((await send('PUT', String(step1.headers.location))).status).toBe(201);
    const read = async (path: string, query: string) => {
      const open = await send('GET', c.nn(`${path}?op=OPEN&user.name=root${query}`));
      return send('GET', String(open.headers.location));
    };
    const empty = await read('/empty', '');
    expect([empty.status, empty.headers['content-length'], empty.body.length]).toEqual([200, '0', 0]);
    const created = await send('PUT', String((await send('PUT', c.nn('/five?op=CREATE&user.name=root'))).headers.location), {
      body: '12345',
    });
    expect(created.status).toBe(201);
    expect((await read('/five', '&offset=5')).body.length).toBe(0);
    const past = await read('/five', '&offset=6');
    expect([past.status, json(past).RemoteException.message.split('\n')[0]]).toEqual([403, 'Cannot seek after EOF']);
  });
});
