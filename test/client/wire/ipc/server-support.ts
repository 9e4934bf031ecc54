import { connect } from 'node:net';
import { RpcServer, type ProtocolHandlers } from '../../../../minicluster/ipc/rpc-server.js';
import type { SaslServerAuthOptions } from '../../../../minicluster/ipc/sasl-server-session.js';
import { FrameDecoder } from '../../../../client/wire/ipc/frame-decoder.js';

export const ACP = 'org.apache.hadoop.yarn.api.ApplicationClientProtocolPB';
export const AMP = 'org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB';

/** Starts an RpcServer on 127.0.0.1:0; the caller stops it in afterEach. */
export async function startServer(protocols: ProtocolHandlers[], auth: SaslServerAuthOptions, maxRequestBytes?: number) {
  const server = new RpcServer({ host: '127.0.0.1', port: 0, protocols, auth, ...(maxRequestBytes ? { maxRequestBytes } : {}) });
  const { port } = await server.listen();
  return { server, port };
}

/**
 * Sends raw bytes to a server and collects its answer frames until it closes the connection or
 * `frames` frames arrived (then we close). Never waits longer than `timeoutMs`: a deadline for
 * those events, generous so that a loaded machine does not cut an answer short.
 */
export function exchangeRaw(
  port: number,
  bytes: Buffer,
  frames = Infinity,
  timeoutMs = 20_000,
): Promise<{ frames: Buffer[]; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const decoder = new FrameDecoder(1 << 26);
    const got: Buffer[] = [];
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ frames: got, closedByServer });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      got.push(...decoder.push(chunk));
      if (got.length >= frames) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}
