/**
 * An upload that never reaches its end leaves no complete short file: an aborted CREATE (client
 * gone, body short of its Content-Length, chunked body without its last chunk) leaves no file, an
 * aborted APPEND leaves the old content, and the lease is free again. The block file's handle is
 * closed before the server's close() returns.
 */
import { readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFile, json, send, startTestCluster, type TestCluster } from './webhdfs-test-kit.js';

/** Polls until `probe` holds; the test fails by vitest's timeout, never on elapsed time. */
async function until(probe: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await probe())) await new Promise((r) => setTimeout(r, 10));
}

/** Descriptors of this process open on files under `dir`. */
function openFilesUnder(dir: string): string[] {
  const root = realpathSync(dir);
  const open: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(`${root}/`)) open.push(target);
    } catch {
      // closed while listing
    }
  }
  return open;
}

describe('an upload that does not reach its end', () => {
  let c: TestCluster;
  const sockets: Socket[] = [];
  beforeEach(async () => {
    c = await startTestCluster();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await c?.dispose();
  });

  const fileStatus = (path: string) => send('GET', c.nn(`${path}?op=GETFILESTATUS&user.name=root`));
  const listing = async (dir: string) =>
    json(await send('GET', c.nn(`${dir}?op=LISTSTATUS&user.name=root`))).FileStatuses.FileStatus.map((s: { pathSuffix: string; length: number }) => [s.pathSuffix, s.length]);
  const read = async (path: string) => (await send('GET', String((await send('GET', c.nn(`${path}?op=OPEN&user.name=root`))).headers.location))).body;
  /** The writer's lease is gone: the file is complete or no longer there. */
  const leaseReleased = (path: string) => () => {
    const inode = c.server.namespace.statusOf(path);
    return !inode || !c.server.namespace.isBeingWritten(inode);
  };

  /**
   * Step 2 of CREATE/APPEND as raw HTTP on a socket the test controls: the headers (with the given
   * framing) and `body`, and nothing after. Resolves once the server has written `visibleLength` bytes.
   */
  async function startUpload(path: string, op: 'CREATE' | 'APPEND', framing: string, body: string, visibleLength: number, query = ''): Promise<Socket> {
    const method = op === 'CREATE' ? 'PUT' : 'POST';
    const step1 = await send(method, c.nn(`${path}?op=${op}&user.name=root${query}`));
    expect(step1.status).toBe(307);
    const location = new URL(String(step1.headers.location));
    const socket = connect(Number(location.port), location.hostname);
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.resume();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`${method} ${location.pathname}${location.search} HTTP/1.1\r\nHost: ${location.host}\r\n${framing}\r\n\r\n${body}`);
    await until(() => c.server.namespace.statusOf(path)?.length === visibleLength);
    return socket;
  }

  it('CREATE with Content-Length 99999999999, 3 bytes sent, socket destroyed: no file', async () => {
    const socket = await startUpload('/up/aborted.bin', 'CREATE', 'Content-Length: 99999999999', 'abc', 3);
    socket.destroy();
    await until(leaseReleased('/up/aborted.bin'));
    const status = await fileStatus('/up/aborted.bin');
    expect([status.status, json(status).RemoteException.exception]).toEqual([404, 'FileNotFoundException']);
    expect(await listing('/up')).toEqual([]);
    // The name is free for a new upload.
    expect((await createFile(c, '/up/aborted.bin', 'whole')).status).toBe(201);
    expect((await read('/up/aborted.bin')).toString()).toBe('whole');
  });

  it('CREATE whose client half-closes after 3 of 10 bytes: no file', async () => {
    const socket = await startUpload('/up/short.bin', 'CREATE', 'Content-Length: 10', 'abc', 3);
    socket.end();
    await until(leaseReleased('/up/short.bin'));
    expect((await fileStatus('/up/short.bin')).status).toBe(404);
    expect(await listing('/up')).toEqual([]);
  });

  it('chunked CREATE cut off before its last chunk: no file', async () => {
    const socket = await startUpload('/up/chunked.bin', 'CREATE', 'Transfer-Encoding: chunked', '3\r\nabc\r\n', 3);
    socket.destroy();
    await until(leaseReleased('/up/chunked.bin'));
    expect((await fileStatus('/up/chunked.bin')).status).toBe(404);
  });

  it('an overwriting CREATE cut off: the old file is gone (HDFS deletes it in startFile) and no short file replaces it', async () => {
    expect((await createFile(c, '/up/over.bin', 'the old content')).status).toBe(201);
    const socket = await startUpload('/up/over.bin', 'CREATE', 'Content-Length: 1000', 'abc', 3, '&overwrite=true');
    socket.destroy();
    await until(leaseReleased('/up/over.bin'));
    expect((await fileStatus('/up/over.bin')).status).toBe(404);
    expect(await listing('/up')).toEqual([]);
  });

  it('APPEND with Content-Length 99999999999, 3 bytes sent, socket destroyed: the original content, and the lease is free', async () => {
    expect((await createFile(c, '/up/log.txt', 'hello')).status).toBe(201);
    const before = json(await fileStatus('/up/log.txt')).FileStatus;
    const socket = await startUpload('/up/log.txt', 'APPEND', 'Content-Length: 99999999999', 'abc', 8);
    socket.destroy();
    await until(leaseReleased('/up/log.txt'));
    const after = json(await fileStatus('/up/log.txt')).FileStatus;
    expect([after.length, after.modificationTime]).toEqual([5, before.modificationTime]);
    expect((await read('/up/log.txt')).toString()).toBe('hello');
    const append = await send('POST', String((await send('POST', c.nn('/up/log.txt?op=APPEND&user.name=root'))).headers.location), { body: ' world' });
    expect(append.status).toBe(200);
    expect((await read('/up/log.txt')).toString()).toBe('hello world');
  });

  it('is remembered as given up across a restart: no short file comes back from the edit log', async () => {
    const socket = await startUpload('/up/restart.bin', 'CREATE', 'Content-Length: 99999999999', 'abc', 3);
    socket.destroy();
    await until(leaseReleased('/up/restart.bin'));
    await c.stop();
    const again = await startTestCluster({}, c.dataDir);
    try {
      expect(again.server.namespace.statusOf('/up/restart.bin')).toBeUndefined();
    } finally {
      await again.stop();
    }
  });

  it('closes the block file before close() returns when the server stops mid-upload', async () => {
    await startUpload('/up/hanging.bin', 'CREATE', 'Content-Length: 99999999999', 'abc', 3);
    expect(openFilesUnder(c.dataDir).length).toBeGreaterThan(0); // the block being written
    await c.stop();
    expect(openFilesUnder(c.dataDir)).toEqual([]);
    const again = await startTestCluster({}, c.dataDir);
    try {
      expect(again.server.namespace.statusOf('/up/hanging.bin')).toBeUndefined();
    } finally {
      await again.stop();
    }
  });
});
