/**
 * An upload that never reaches its end, as real WebHDFS treats it. Measured on Hadoop 3.3.6 with
 * the probe (Content-Length 99999999999, 3 bytes, socket destroyed): the DataNode closes
 * its output stream when the client goes away (HdfsWriter.channelInactive), so CREATE leaves a
 * complete 3-byte file, an overwriting CREATE replaces the old content with those bytes, APPEND
 * keeps them after the old content, and the lease is free for the next writer. The mini cluster
 * must not be kinder (a missing file would hide a client that leaves short files under final
 * names). What it must not do either: keep the block file open until GC (the DeprecationWarning
 * "Closing a FileHandle object on garbage collection") or past close().
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
    await c.dispose();
  });

  const listing = async (dir: string) =>
    json(await send('GET', c.nn(`${dir}?op=LISTSTATUS&user.name=root`))).FileStatuses.FileStatus.map(
      (s: { pathSuffix: string; length: number }) => [s.pathSuffix, s.length],
    );
  const read = async (path: string) =>
    (await send('GET', String((await send('GET', c.nn(`${path}?op=OPEN&user.name=root`))).headers.location))).body;
  /** The writer's lease is gone: the file is complete or no longer there. */
  const leaseReleased = (path: string) => () => {
    const inode = c.server.namespace.statusOf(path);
    return !inode || !c.server.namespace.isBeingWritten(inode);
  };

  /**
   * Step 2 of CREATE/APPEND as raw HTTP on a socket the test controls: the headers (with the given
   * framing) and `body`, and nothing after. Resolves once the server has written `visibleLength` bytes.
   */
  async function startUpload(
    path: string,
    op: 'CREATE' | 'APPEND',
    framing: string,
    body: string,
    visibleLength: number,
    query = '',
  ): Promise<Socket> {
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

  /** The upload was completed with what arrived: a complete file of that content, the lease free. */
  async function completedWith(path: string, content: string): Promise<void> {
    await until(leaseReleased(path));
    expect(c.server.namespace.statusOf(path)?.length).toBe(content.length);
    expect((await read(path)).toString()).toBe(content);
  }

  it('CREATE with Content-Length 99999999999, 3 bytes sent, socket destroyed: a complete 3-byte file, its handle closed', async () => {
    const socket = await startUpload('/up/aborted.bin', 'CREATE', 'Content-Length: 99999999999', 'abc', 3);
    expect(openFilesUnder(c.dataDir).length).toBeGreaterThan(0); // the block being written
    socket.destroy();
    await completedWith('/up/aborted.bin', 'abc');
    await until(() => openFilesUnder(c.dataDir).length === 0);
    expect(await listing('/up')).toEqual([['aborted.bin', 3]]);
  });

  it('CREATE whose client half-closes after 3 of 10 bytes: the 3 bytes, complete', async () => {
    const socket = await startUpload('/up/short.bin', 'CREATE', 'Content-Length: 10', 'abc', 3);
    socket.end();
    await completedWith('/up/short.bin', 'abc');
  });

  it('chunked CREATE cut off before its last chunk: the bytes that arrived, complete', async () => {
    const socket = await startUpload('/up/chunked.bin', 'CREATE', 'Transfer-Encoding: chunked', '3\r\nabc\r\n', 3);
    socket.destroy();
    await completedWith('/up/chunked.bin', 'abc');
  });

  it('an overwriting CREATE cut off: the old content is gone (HDFS deletes it in startFile), the new bytes remain', async () => {
    expect((await createFile(c, '/up/over.bin', 'the old content')).status).toBe(201);
    const socket = await startUpload('/up/over.bin', 'CREATE', 'Content-Length: 1000', 'abc', 3, '&overwrite=true');
    socket.destroy();
    await completedWith('/up/over.bin', 'abc');
  });

  it('APPEND with Content-Length 99999999999, 3 bytes sent, socket destroyed: old content plus the 3 bytes, the lease free', async () => {
    expect((await createFile(c, '/up/log.txt', 'hello')).status).toBe(201);
    const socket = await startUpload('/up/log.txt', 'APPEND', 'Content-Length: 99999999999', 'abc', 8);
    socket.destroy();
    await completedWith('/up/log.txt', 'helloabc');
    const append = await send('POST', String((await send('POST', c.nn('/up/log.txt?op=APPEND&user.name=root'))).headers.location), {
      body: ' world',
    });
    expect(append.status).toBe(200);
    expect((await read('/up/log.txt')).toString()).toBe('helloabc world');
  });

  it('the completed short file is what a restart finds', async () => {
    const socket = await startUpload('/up/restart.bin', 'CREATE', 'Content-Length: 99999999999', 'abc', 3);
    socket.destroy();
    await completedWith('/up/restart.bin', 'abc');
    await c.stop();
    const again = await startTestCluster({}, c.dataDir);
    try {
      expect(again.server.namespace.statusOf('/up/restart.bin')?.length).toBe(3);
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
      expect(again.server.namespace.statusOf('/up/hanging.bin')?.length).toBe(3);
    } finally {
      await again.stop();
    }
  });
});
