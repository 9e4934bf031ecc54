/**
 * The IPC server against half-open and oversized connections: a connection that does not finish
 * its handshake (preamble, SASL, connection context) in time is closed; a frame announced above
 * the handshake limit before the connection context is refused at its length prefix; after the
 * handshake, frames up to ipc.maximum.data.length are read as before.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../client/wire/ipc/frame-decoder.js';
import { parseResponseFrame } from '../../../client/wire/ipc/rpc-messages.js';
import { MAX_HANDSHAKE_FRAME_BYTES, RpcServer } from '../../../minicluster/ipc/rpc-server.js';
import { framesOf, recording } from '../../client/wire/ipc/recorded-connection.js';
import { ACP, exchangeRaw } from '../../client/wire/ipc/server-support.js';

const PREAMBLE_SIMPLE = Buffer.from('68727063090000', 'hex'); // "hrpc", version 9, RPC_BUILTIN, auth NONE

const rmClientProtocol = {
  protocol: {
    name: ACP,
    methods: {
      getClusterMetrics: { request: 'hadoop.yarn.GetClusterMetricsRequestProto', response: 'hadoop.yarn.GetClusterMetricsResponseProto' },
    },
  } as const,
  handlers: { getClusterMetrics: async () => ({ cluster_metrics: { num_node_managers: 1 } }) },
};

let server: RpcServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = undefined;
});

async function start(options: { handshakeTimeoutMs?: number } = {}): Promise<number> {
  server = new RpcServer({ host: '127.0.0.1', port: 0, protocols: [rmClientProtocol], auth: { simple: true }, ...options });
  return (await server.listen()).port;
}

/** Opens a connection, sends `bytes`, and resolves `closed` when the server ends it (or never). */
async function open(port: number, bytes: Buffer): Promise<{ socket: Socket; closed: Promise<void>; received: () => Buffer }> {
  const socket = connect({ host: '127.0.0.1', port });
  sockets.push(socket);
  let received = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(bytes);
  return { socket, closed, received: () => received };
}

/** Resolves true when `p` settles within `ms` (the bound), else false. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}

/** The recorded SIMPLE client's connection context and its call (errors/04: an unknown method, answered with an ERROR). */
function recordedContextAndCall(): { context: Buffer; call: Buffer } {
  const [context, call] = framesOf(recording('errors/04-raw-unknown-method'), 'c2s');
  return { context: context, call: call };
}

describe('IPC server handshake deadline', () => {
  it('closes 50 connections that sent only 4 bytes of preamble once the handshake timeout passes', async () => {
    const port = await start({ handshakeTimeoutMs: 300 });
    const conns = await Promise.all(Array.from({ length: 50 }, () => open(port, Buffer.from('hrpc'))));
    const allClosed = Promise.all(conns.map((c) => c.closed));
    expect(await within(allClosed, 10_000)).toBe(true);
    expect(conns.every((c) => c.received().length === 0)).toBe(true); // closed without an answer
  });

  it('closes a connection stuck after its preamble, and one stuck inside the connection context frame', async () => {
    const port = await start({ handshakeTimeoutMs: 300 });
    const { context } = recordedContextAndCall();
    const afterPreamble = await open(port, PREAMBLE_SIMPLE);
    const midContext = await open(port, Buffer.concat([PREAMBLE_SIMPLE, encodeFrame([context]).subarray(0, 10)]));
    expect(await within(Promise.all([afterPreamble.closed, midContext.closed]), 10_000)).toBe(true);
  });

  it('keeps a connection that finished its handshake open past the deadline and answers its calls', async () => {
    const port = await start({ handshakeTimeoutMs: 200 });
    const { context, call } = recordedContextAndCall();
    const c = await open(port, Buffer.concat([PREAMBLE_SIMPLE, encodeFrame([context]), encodeFrame([call])]));
    await expect.poll(() => c.received().length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 600)); // three deadlines
    expect(c.socket.destroyed).toBe(false);
    const before = c.received().length;
    c.socket.write(encodeFrame([call]));
    await expect.poll(() => c.received().length).toBeGreaterThan(before);
    expect(parseResponseFrame(c.received().subarray(before + 4)).header).toMatchObject({
      status: 'ERROR',
      errorDetail: 'ERROR_NO_SUCH_METHOD',
    });
  });
});

describe('IPC server frame limits', () => {
  it('closes a connection that announces a 60 MB frame right after the preamble, having read only the length prefix', async () => {
    const port = await start();
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(60 * 1024 * 1024);
    const answer = await exchangeRaw(port, Buffer.concat([PREAMBLE_SIMPLE, prefix]), Infinity, 10_000);
    expect(answer).toEqual({ frames: [], closedByServer: true });
  });

  it('refuses a handshake frame above the handshake limit, and reads a bigger call after the connection context in the same write', async () => {
    const port = await start();
    const { context, call } = recordedContextAndCall();
    const tooBig = Buffer.alloc(4);
    tooBig.writeUInt32BE(2 * 1024 * 1024);
    expect(MAX_HANDSHAKE_FRAME_BYTES).toBeLessThan(2 * 1024 * 1024);
    expect(await exchangeRaw(port, Buffer.concat([PREAMBLE_SIMPLE, tooBig]), Infinity, 10_000)).toEqual({
      frames: [],
      closedByServer: true,
    });

    // 2 MiB of padding after the call's headers: above the handshake limit, within ipc.maximum.data.length.
    const bigCall = encodeFrame([call, Buffer.alloc(2 * 1024 * 1024)]);
    const answer = await exchangeRaw(port, Buffer.concat([PREAMBLE_SIMPLE, encodeFrame([context]), bigCall]), 1, 10_000);
    expect(answer.frames.map((f) => parseResponseFrame(f).header.errorDetail)).toEqual(['ERROR_NO_SUCH_METHOD']);
  });
});
