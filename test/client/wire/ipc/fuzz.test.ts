import { describe, expect, it } from 'vitest';
import { afterEach } from 'vitest';
import { streamBytes } from '../../../support/fixtures.js';
import { FrameDecoder } from '../../../../client/wire/ipc/frame-decoder.js';
import { IpcError } from '../../../../client/wire/ipc/ipc-errors.js';
import { RemoteException } from '../../../../client/wire/ipc/remote-exception.js';
import { RpcConnection } from '../../../../client/wire/ipc/rpc-connection.js';
import { parseRequestFrame, parseResponseFrame, parseSaslMessage } from '../../../../client/wire/ipc/rpc-messages.js';
import { parsePreamble } from '../../../../client/wire/ipc/preamble.js';
import type { RpcServer } from '../../../../minicluster/ipc/rpc-server.js';
import { framesOf, recording } from './recorded-connection.js';
import { ACP, exchangeRaw, startServer } from './server-support.js';

// Random bytes and mutated recorded frames: decoders throw only our own error classes, and a
// server fed them stays up for the next good client.

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function mutate(frame: Buffer, r: () => number): Buffer {
  const out = Buffer.from(frame);
  const edits = 1 + Math.floor(r() * 4);
  for (let i = 0; i < edits && out.length > 0; i++) out[Math.floor(r() * out.length)] = Math.floor(r() * 256);
  return r() < 0.3 ? out.subarray(0, Math.floor(r() * out.length)) : out;
}

const sources = [
  'yarnclient-probe/01-client-rm-8032-yarnclient',
  'distributedshell/05-am-rm-8030-scheduler',
  'errors/03-raw-simple-on-8030',
  'errors/04-raw-unknown-method',
];
const responses = sources.flatMap((p) => framesOf(recording(p), 's2c'));
const requests = sources.flatMap((p) => framesOf(recording(p), 'c2s'));

function onlyOurErrors(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof IpcError) && !(err instanceof RemoteException)) throw err;
  }
}

describe('fuzzing the decoders', () => {
  it('5000 mutated response and request frames and random byte streams', () => {
    const r = rng(12345);
    for (let i = 0; i < 5000; i++) {
      const resp = mutate(responses[i % responses.length], r);
      onlyOurErrors(() => {
        const { rest } = parseResponseFrame(resp);
        if (rest.length) parseSaslMessage(rest);
      });
      onlyOurErrors(() => parseRequestFrame(mutate(requests[i % requests.length], r)));
      const random = Buffer.from(Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256)));
      onlyOurErrors(() => parsePreamble(random));
      onlyOurErrors(() => {
        const d = new FrameDecoder(1 << 16);
        for (const f of d.push(random)) parseResponseFrame(f);
        d.end();
      });
    }
  });
});

let server: RpcServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('fuzzing the server', () => {
  it('stays up after 200 connections of mutated recorded streams and garbage', async () => {
    const started = await startServer(
      [
        {
          protocol: {
            name: ACP,
            methods: {
              getClusterMetrics: {
                request: 'hadoop.yarn.GetClusterMetricsRequestProto',
                response: 'hadoop.yarn.GetClusterMetricsResponseProto',
              },
            },
          },
          handlers: { getClusterMetrics: async () => ({ cluster_metrics: { num_node_managers: 2 } }) },
        },
      ],
      { simple: true, token: { lookupPassword: () => undefined } },
      1 << 20,
    );
    server = started.server;
    const r = rng(777);
    const good = streamBytes(recording('yarnclient-probe/01-client-rm-8032-yarnclient'), 'c2s');
    const sasl = streamBytes(recording('distributedshell/05-am-rm-8030-scheduler'), 'c2s');
    for (let i = 0; i < 200; i++) {
      const base = i % 3 === 0 ? sasl : good;
      const bytes = i % 5 === 0 ? Buffer.from(Array.from({ length: 200 }, () => Math.floor(r() * 256))) : mutate(base, r);
      await exchangeRaw(started.port, bytes, Infinity, 50);
    }
    const client = new RpcConnection({
      host: '127.0.0.1',
      port: started.port,
      protocol: ACP,
      auth: { kind: 'simple', user: 'x' },
      connectMaxRetries: 0,
    });
    try {
      const m = await client.call(
        'getClusterMetrics',
        'hadoop.yarn.GetClusterMetricsRequestProto',
        {},
        'hadoop.yarn.GetClusterMetricsResponseProto',
      );
      expect(m.cluster_metrics!.num_node_managers).toBe(2);
    } finally {
      await client.close();
    }
  });
});
