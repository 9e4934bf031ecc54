import { readFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameDecoder, encodeFrame } from '../client/wire/ipc/frame-decoder.js';
import { RpcConnection } from '../client/wire/ipc/rpc-connection.js';
import { RpcServer } from '../minicluster/ipc/rpc-server.js';
import { parseRequestFrame, parseResponseFrame } from '../client/wire/ipc/rpc-messages.js';
import { decodeMessage } from '../client/wire/codec/protobuf-codec.js';

/**
 * getApplicationReport calls per second through our IPC client and server on one connection
 * (1 and 64 calls in flight), next to a bare length-prefixed socket echo of the same request and
 * response sizes in the same run. The request/response bodies are the ones recorded from a real
 * RM (yarnclient-probe/01), decoded and re-encoded with the real YARN types.
 */
const PROTOCOL = 'org.apache.hadoop.yarn.api.ApplicationClientProtocolPB';
const REQ = 'hadoop.yarn.GetApplicationReportRequestProto';
const RSP = 'hadoop.yarn.GetApplicationReportResponseProto';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

function fixtureBodies(): { request: Buffer; response: Buffer } {
  let dir = dirname(fileURLToPath(import.meta.url));
  let file = '';
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidate = resolve(dir, '../shared/fixtures/hadoop-3.3.6/ipc/yarnclient-probe/01-client-rm-8032-yarnclient.json');
    try {
      file = readFileSync(candidate, 'utf8');
      break;
    } catch {
      /* keep walking up */
    }
  }
  if (!file) throw new Error('cannot find ../shared/fixtures/hadoop-3.3.6 next to the repository');
  const conn = JSON.parse(file) as { segments: { dir: string; hex: string }[] };
  const stream = (d: string) => Buffer.concat(conn.segments.filter((s) => s.dir === d).map((s) => Buffer.from(s.hex, 'hex')));
  const requests = new FrameDecoder(1 << 24).push(stream('c2s').subarray(7)).map((f) => parseRequestFrame(f));
  const responses = new FrameDecoder(1 << 24).push(stream('s2c')).map((f) => parseResponseFrame(f));
  const calls = requests.filter((r) => r.kind === 'call');
  const i = calls.findIndex((c) => c.method === 'getApplicationReport');
  const strip = (b: Buffer) => b.subarray(b[0] >= 0x80 ? 2 : 1);
  if (i < 0) throw new Error('the capture has no getApplicationReport call');
  const call = calls[i];
  return { request: strip(call.body), response: strip(responses[i].rest) };
}

async function timed(inFlight: number, once: () => Promise<unknown>): Promise<number> {
  const end = Date.now() + SECONDS * 1000;
  let done = 0;
  const worker = async () => {
    while (Date.now() < end) {
      await once();
      done++;
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return done / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Baseline: a socket echo server answering each length-prefixed request with the response bytes. */
async function echoBaseline(requestFrame: Buffer, responseFrame: Buffer, inFlight: number): Promise<number> {
  const server: Server = createServer((s) => {
    const decoder = new FrameDecoder(1 << 24);
    s.on('data', (chunk) => {
      for (let n = decoder.push(chunk).length; n > 0; n--) s.write(responseFrame);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const socket: Socket = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  const waiters: (() => void)[] = [];
  const decoder = new FrameDecoder(1 << 24);
  socket.on('data', (chunk) => {
    for (let n = decoder.push(chunk).length; n > 0; n--) waiters.shift()?.();
  });
  const rate = await timed(
    inFlight,
    () =>
      new Promise<void>((r) => {
        waiters.push(r);
        socket.write(requestFrame);
      }),
  );
  socket.destroy();
  await new Promise((r) => server.close(r));
  return rate;
}

async function main(): Promise<void> {
  const { request, response } = fixtureBodies();
  const requestObj = decodeMessage(REQ, request);
  const responseObj = decodeMessage(RSP, response);
  const server = new RpcServer({
    host: '127.0.0.1',
    port: 0,
    protocols: [
      {
        protocol: { name: PROTOCOL, methods: { getApplicationReport: { request: REQ, response: RSP } } },
        handlers: { getApplicationReport: () => Promise.resolve(responseObj) },
      },
    ],
    auth: { simple: true },
  });
  const { port } = await server.listen();
  const client = new RpcConnection({ host: '127.0.0.1', port, protocol: PROTOCOL, auth: { kind: 'simple', user: 'bench' } });
  // Bare-socket frames of the same sizes as our request/response frames.
  const requestFrame = encodeFrame([Buffer.alloc(request.length + 130)]);
  const responseFrame = encodeFrame([Buffer.alloc(response.length + 40)]);
  console.log(`getApplicationReport: request ${request.length} B, response ${response.length} B, ${SECONDS} s per run`);
  for (const inFlight of [1, 64]) {
    const ours = await timed(inFlight, () => client.call('getApplicationReport', REQ, requestObj, RSP));
    const bare = await echoBaseline(requestFrame, responseFrame, inFlight);
    console.log(
      `${String(inFlight).padStart(2)} in flight: IPC ${ours.toFixed(0)} calls/s, bare socket echo ${bare.toFixed(0)} round trips/s, ratio ${(ours / bare).toFixed(2)}`,
    );
  }
  await client.close();
  await server.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
