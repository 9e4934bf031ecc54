import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath, streamBytes } from '../../../support/fixtures.js';
import { FrameDecoder } from '../../../../client/wire/ipc/frame-decoder.js';
import { RemoteException } from '../../../../client/wire/ipc/remote-exception.js';
import { parseRequestFrame, parseResponseFrame } from '../../../../client/wire/ipc/rpc-messages.js';
import { recording } from './recorded-connection.js';

// Every recorded stream, cut into arbitrary chunks, decodes into as many frames as the fixture's
// own decoder (the *.decoded.txt next to it) found, and every header parses.

const scenarios = ['yarnclient-probe', 'distributedshell', 'probe-am', 'delegation-token', 'errors'];
const connections = scenarios.flatMap((dir) =>
  readdirSync(fixturePath('ipc', dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `${dir}/${f.slice(0, -'.json'.length)}`),
);

function recordedFrameCount(path: string, dir: 'c2s' | 's2c'): number {
  const text = readFileSync(fixturePath('ipc', `${path}.decoded.txt`), 'utf8');
  return text.split('\n').filter((l) => l.startsWith(`=== #`) && l.includes(`[${dir}] frame`)).length;
}

/** Deterministic pseudo-random chunk sizes (1..300 bytes). */
function chunks(bytes: Buffer, seed: number): Buffer[] {
  const out: Buffer[] = [];
  let x = seed;
  for (let at = 0; at < bytes.length;) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (x % 300);
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('frame decoder over every recorded connection', () => {
  it('covers the recordings', () => expect(connections.length).toBeGreaterThan(40));

  it.each(connections)('%s', (path) => {
    const rec = recording(path);
    const s2c = new FrameDecoder(128 * 1024 * 1024);
    const responses = chunks(streamBytes(rec, 's2c'), 7).flatMap((c) => s2c.push(c));
    s2c.end();
    expect(responses.length).toBe(recordedFrameCount(path, 's2c'));
    for (const f of responses) expect(['SUCCESS', 'ERROR', 'FATAL']).toContain(parseResponseFrame(f).header.status);

    const c2s = new FrameDecoder(64 * 1024 * 1024);
    const requests = chunks(streamBytes(rec, 'c2s').subarray(7), 11).flatMap((c) => c2s.push(c));
    c2s.end();
    expect(requests.length).toBe(recordedFrameCount(path, 'c2s'));
    for (const f of requests) expect(['context', 'sasl', 'ping', 'call']).toContain(parseRequestFrame(f).kind);
  });
});

describe('recorded FATAL answers map to RemoteException', () => {
  const cases: [string, number, string, string, string][] = [
    [
      'errors/03-raw-simple-on-8030',
      -1,
      'org.apache.hadoop.security.AccessControlException',
      'SIMPLE authentication is not enabled.  Available:[TOKEN]',
      'FATAL_UNAUTHORIZED',
    ],
    [
      'errors/06-raw-bad-version',
      -1,
      'org.apache.hadoop.ipc.RPC$VersionMismatch',
      'Server IPC version 9 cannot communicate with client version 10',
      'FATAL_VERSION_MISMATCH',
    ],
    [
      'errors/07-raw-call-without-connection-context',
      0,
      'org.apache.hadoop.ipc.RpcServerException',
      'Connection context not established',
      'FATAL_INVALID_RPC_HEADER',
    ],
  ];
  it.each(cases)('%s', (path, callId, className, message, detail) => {
    const frames = new FrameDecoder(1 << 20).push(streamBytes(recording(path), 's2c'));
    expect(frames.length).toBe(1);
    const { header } = parseResponseFrame(frames[0]);
    const e = RemoteException.fromHeader(header);
    expect(e.status).toBe('FATAL');
    expect(e.callId).toBe(callId);
    expect(e.className).toBe(className);
    expect(e.remoteMessage).toBe(message);
    expect(e.errorDetail).toBe(detail);
    expect(e.javaStackTrace).toBeUndefined();
  });

  it('an ERROR keeps the first line as message and the Java trace apart (errors/04)', () => {
    const frames = new FrameDecoder(1 << 20).push(streamBytes(recording('errors/04-raw-unknown-method'), 's2c'));
    const e = RemoteException.fromHeader(parseResponseFrame(frames[0]).header);
    expect(e.status).toBe('ERROR');
    expect(e.className).toBe('org.apache.hadoop.ipc.RpcNoSuchMethodException');
    expect(e.remoteMessage).toBe('Unknown method noSuchMethod called on org.apache.hadoop.yarn.api.ApplicationClientProtocolPB protocol.');
    expect(e.javaStackTrace).toMatch(/^\tat org\.apache\.hadoop\.ipc\.ProtobufRpcEngine2/);
    expect(e.simpleClassName).toBe('RpcNoSuchMethodException');
  });
});
