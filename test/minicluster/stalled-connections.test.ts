// Every server of the mini cluster drops a client that connects and stalls: the RM's client and
// scheduler IPC ports and the NM's container-management port close connections that have not
// finished their IPC handshake; the WebHDFS NameNode and DataNode, the RM web port and the NM web
// port close connections stalled in their headers, and the DataNode an upload whose body stopped.
// The limits are lowered here; their defaults are in rpc-server.ts and http-timeouts.ts.
import { connect, type Socket } from 'node:net';
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMiniCluster, type MiniCluster } from '../../minicluster/mini-cluster.js';
import { hostPort } from './mini-cluster-kit.js';

let cluster: MiniCluster | undefined;
const sockets: Socket[] = [];

beforeAll(async () => {
  cluster = await startMiniCluster({
    nodes: 1,
    hdfsLatency: 'none',
    ipcHandshakeTimeoutMs: 300,
    httpTimeouts: { idleMs: 500, headersMs: 300 },
  });
});
afterAll(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await cluster?.stop();
});

/** Connects, sends `bytes`, and reports whether the server closed the connection within `boundMs`. */
async function closedByServer(address: { host: string; port: number }, bytes: string | Buffer, boundMs = 10_000): Promise<boolean> {
  const socket = connect(address.port, address.host);
  sockets.push(socket);
  socket.on('error', () => undefined);
  socket.resume();
  const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(bytes);
  return Promise.race([closed, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), boundMs))]);
}

describe('a client that connects and stalls', () => {
  it('is dropped by every IPC port before its handshake is done', async () => {
    const c = cluster!;
    const ports = {
      'RM client': hostPort(c.rmAddress),
      'RM scheduler': hostPort(c.schedulerAddress),
      'NM container manager': c.nodes[0].address,
    };
    const results = await Promise.all(
      Object.entries(ports).map(async ([name, address]) => [name, await closedByServer(address, 'hrpc')] as const),
    );
    expect(Object.fromEntries(results)).toEqual({ 'RM client': true, 'RM scheduler': true, 'NM container manager': true });
  });

  it('is dropped by every HTTP port while its headers are unfinished', async () => {
    const c = cluster!;
    const ports = {
      'WebHDFS NameNode': c.webHdfs.nameNodeAddress,
      'WebHDFS DataNode': c.webHdfs.dataNodeAddress,
      'RM web': hostPort(c.webAddress),
      'NM web': { host: '127.0.0.1', port: c.nodes[0].httpPort },
    };
    const results = await Promise.all(
      Object.entries(ports).map(
        async ([name, address]) => [name, await closedByServer(address, 'GET /ws/v1/cluster/info HTTP/1.1\r\nHost: x\r\n')] as const,
      ),
    );
    expect(Object.fromEntries(results)).toEqual({ 'WebHDFS NameNode': true, 'WebHDFS DataNode': true, 'RM web': true, 'NM web': true });
  });

  it('is dropped by the DataNode when its upload body stops coming; the file is completed with what arrived, as on HDFS', async () => {
    const c = cluster!;
    const user = userInfo().username;
    const step1 = await fetch(
      `http://${c.webHdfs.nameNodeAddress.host}:${c.webHdfs.nameNodeAddress.port}/webhdfs/v1/tmp/stalled.bin?op=CREATE&user.name=${user}&noredirect=true`,
      { method: 'PUT' },
    );
    const location = new URL(((await step1.json()) as { Location: string }).Location);
    const request = `PUT ${location.pathname}${location.search} HTTP/1.1\r\nHost: ${location.host}\r\nContent-Length: 1000\r\n\r\nabc`;
    const closed = closedByServer({ host: location.hostname, port: Number(location.port) }, request);
    await expect.poll(() => c.webHdfs.namespace.statusOf('/tmp/stalled.bin')?.length).toBe(3); // the upload is under way
    expect(await closed).toBe(true);
    // Real WebHDFS completes a cut-off upload with the bytes that arrived (aborted-upload.test.ts).
    await expect
      .poll(() => {
        const inode = c.webHdfs.namespace.statusOf('/tmp/stalled.bin');
        return inode && !c.webHdfs.namespace.isBeingWritten(inode) ? inode.length : undefined;
      })
      .toBe(3);
  });
});
