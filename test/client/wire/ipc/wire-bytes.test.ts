import { afterEach, describe, expect, it } from 'vitest';
import { readFixtureJson, streamBytes } from '../../../support/fixtures.js';
import { AuthProtocol, buildPreamble } from '../../../../client/wire/ipc/preamble.js';
import { RpcConnection } from '../../../../client/wire/ipc/rpc-connection.js';
import {
  buildContextFrame,
  buildSaslFrame,
  OPAQUE_BYTES,
  parseRequestFrame,
  parseResponseFrame,
  parseSaslMessage,
} from '../../../../client/wire/ipc/rpc-messages.js';
import { framesOf, recording, ReplayServer } from './recorded-connection.js';

// Our client's bytes must equal what Hadoop's Java client sent, given the same client id,
// call ids and (for SASL) the same client nonce. The server side is the recording itself.

let replay: ReplayServer | undefined;
let conn: RpcConnection | undefined;
afterEach(async () => {
  await conn?.close();
  await replay?.stop();
  conn = undefined;
  replay = undefined;
});

/** The calls of a recording, as (method, request body bytes, call id). */
function recordedCalls(path: string) {
  return framesOf(recording(path), 'c2s')
    .map((f) => parseRequestFrame(f))
    .flatMap((r) =>
      r.kind === 'call' ? [{ method: r.method, callId: r.header.callId, body: r.body.subarray(1 + (r.body[0] >= 0x80 ? 1 : 0)) }] : [],
    );
}

function contextClientId(path: string): Buffer {
  const first = framesOf(recording(path), 'c2s')
    .map((f) => parseRequestFrame(f))
    .find((r) => r.kind === 'context');
  return first!.header.clientId;
}

async function replayCalls(
  path: string,
  auth: ConstructorParameters<typeof RpcConnection>[0]['auth'],
  protocol: string,
  saslCnonce?: string,
) {
  const rec = recording(path);
  replay = new ReplayServer(rec);
  const port = await replay.start();
  const calls = recordedCalls(path);
  // Java draws call ids from one counter per JVM, so the recorded ids have gaps: replay them.
  const ids = calls.map((c) => c.callId);
  conn = new RpcConnection({
    host: '127.0.0.1',
    port,
    protocol,
    auth,
    clientId: contextClientId(path),
    nextCallId: () => ids.shift()!,
    callTimeoutMs: 5000,
    ...(saslCnonce ? { saslCnonce } : {}),
  });
  const c = conn;
  const results = await Promise.allSettled(calls.map((call) => c.call(call.method, OPAQUE_BYTES, call.body, OPAQUE_BYTES)));
  const c2s = streamBytes(rec, 'c2s');
  return { c2s, sent: replay.received, results, calls };
}

describe('client bytes equal the recorded Hadoop client bytes', () => {
  it('SIMPLE: preamble, context and 13 calls of YarnClient to the RM (yarnclient-probe/01)', async () => {
    const { c2s, sent, results, calls } = await replayCalls(
      'yarnclient-probe/01-client-rm-8032-yarnclient',
      { kind: 'simple', user: 'root' },
      'org.apache.hadoop.yarn.api.ApplicationClientProtocolPB',
    );
    expect(calls.length).toBe(13);
    expect(calls[0].method).toBe('getClusterMetrics');
    expect(sent.toString('hex')).toBe(c2s.toString('hex'));
    // Each answer is the recorded response body of the same call.
    const answers = framesOf(recording('yarnclient-probe/01-client-rm-8032-yarnclient'), 's2c').map((f) => parseResponseFrame(f));
    results.forEach((r, i) => {
      expect(r.status).toBe('fulfilled');
      const rest = answers[i].rest;
      expect((r as PromiseFulfilledResult<Buffer>).value.toString('hex')).toBe(rest.subarray(rest[0] >= 0x80 ? 2 : 1).toString('hex'));
    });
  });

  it('TOKEN: SASL NEGOTIATE/INITIATE with the AMRMToken, context and the AM calls (distributedshell/05)', async () => {
    const vector = readFixtureJson('ipc', 'sasl-digest-md5-vectors.json').cases[0];
    const cnonce = /cnonce="([^"]+)"/.exec(vector.client_initiate_token)![1];
    const { c2s, sent, results } = await replayCalls(
      'distributedshell/05-am-rm-8030-scheduler',
      {
        kind: 'token',
        token: {
          identifier: Buffer.from(vector.token_identifier_hex, 'hex'),
          password: Buffer.from(vector.token_password_hex, 'hex'),
          kind: 'YARN_AM_RM_TOKEN',
          service: '',
        },
      },
      'org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB',
      cnonce,
    );
    expect(sent.toString('hex')).toBe(c2s.toString('hex'));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
  });

  it('SASL NEGOTIATE on the client port (errors/02): our bytes, and the offered auths', () => {
    const rec = recording('errors/02-raw-sasl-negotiate-on-8032');
    const ours = Buffer.concat([buildPreamble(AuthProtocol.SASL), buildSaslFrame({ state: 'NEGOTIATE' })]);
    expect(ours.toString('hex')).toBe(streamBytes(rec, 'c2s').toString('hex'));
    const [answer] = framesOf(rec, 's2c').map((f) => parseResponseFrame(f));
    expect(answer.header.callId).toBe(-33);
    const sasl = parseSaslMessage(answer.rest);
    expect(sasl.auths!.map((a) => a.method)).toEqual(['TOKEN', 'SIMPLE']);
    expect(sasl.auths![0].serverId).toBe('default');
  });

  it('the SIMPLE context frame equals the README example byte for byte', () => {
    const clientId = Buffer.from('7c44916a97e54092b2431aed6344fa75', 'hex');
    const frame = buildContextFrame(clientId, 'org.apache.hadoop.yarn.api.ApplicationClientProtocolPB', 'root');
    expect(frame.subarray(0, 4).toString('hex')).toBe('0000005c');
    expect(frame.subarray(4, 4 + 27).toString('hex')).toBe('1a08021000180522107c44916a97e54092b2431aed6344fa752801');
  });
});
