import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../../client/wire/ipc/frame-decoder.js';
import { IpcProtocolError } from '../../../../client/wire/ipc/ipc-errors.js';
import { parseRequestFrame } from '../../../../client/wire/ipc/rpc-messages.js';
import { MAX_WRAP_PLAIN_BYTES, UnwrappedFrames, wrapPieces, wrapRequestFrames } from '../../../../client/wire/ipc/sasl-wrapped-frames.js';
import { FrameDecoder } from '../../../../client/wire/ipc/frame-decoder.js';
import type { SaslSecurityLayer } from '../../../../client/wire/security/sasl-security-layer.js';

/** A toy layer: XOR with 0x5a and a 1-byte marker, so wrapped bytes differ from plain ones. */
const toyLayer: SaslSecurityLayer = {
  qop: 'auth-conf',
  wrap: (plain) => Buffer.concat([Buffer.from([0xee]), Buffer.from(plain.map((b) => b ^ 0x5a))]),
  unwrap: (wrapped) => {
    if (wrapped[0] !== 0xee) throw new IpcProtocolError('toy layer: bad marker');
    return Buffer.from(wrapped.subarray(1).map((b) => b ^ 0x5a));
  },
};

const frame = (text: string) => encodeFrame([Buffer.from(text)]);

describe('SASL wrapped frames', () => {
  it('one WRAP token may carry several frames, and a frame may span tokens', () => {
    const unwrapped = new UnwrappedFrames(toyLayer, 1 << 20, 'test');
    const stream = Buffer.concat([frame('first'), frame('second'), frame('third, split across two tokens')]);
    const cut = stream.length - 7;
    const a = unwrapped.push({ state: 'WRAP', token: toyLayer.wrap(stream.subarray(0, cut)) });
    expect(a.map(String)).toEqual(['first', 'second']);
    const b = unwrapped.push({ state: 'WRAP', token: toyLayer.wrap(stream.subarray(cut)) });
    expect(b.map(String)).toEqual(['third, split across two tokens']);
    expect(() => unwrapped.end()).not.toThrow();
  });

  it('refuses a non-WRAP message, a token the layer rejects, and a stream cut inside a frame', () => {
    const unwrapped = new UnwrappedFrames(toyLayer, 1 << 20, 'response from x');
    expect(() => unwrapped.push({ state: 'SUCCESS' })).toThrow(/expected a SASL WRAP message after auth-conf was negotiated, got SUCCESS/);
    expect(() => unwrapped.push({ state: 'WRAP', token: Buffer.from([1, 2, 3]) })).toThrow(/bad marker/);
    unwrapped.push({ state: 'WRAP', token: toyLayer.wrap(frame('abc').subarray(0, 5)) });
    expect(() => unwrapped.end()).toThrow(IpcProtocolError);
  });

  it('an inner frame above the limit is refused at its length', () => {
    const unwrapped = new UnwrappedFrames(toyLayer, 10, 'response from x', 'ipc.maximum.response.length');
    expect(() => unwrapped.push({ state: 'WRAP', token: toyLayer.wrap(frame('more than ten bytes')) })).toThrow(
      /raise ipc.maximum.response.length/,
    );
  });

  it('the client sends WRAP frames under call id -33, cutting large batches into several tokens', () => {
    const plain = Buffer.concat([frame('x'.repeat(MAX_WRAP_PLAIN_BYTES)), frame('tail')]);
    expect(wrapPieces(plain).length).toBe(2);
    const decoder = new FrameDecoder(1 << 20);
    const outer = decoder.push(wrapRequestFrames(toyLayer, plain));
    expect(outer.length).toBe(2);
    const unwrapped = new UnwrappedFrames(toyLayer, 1 << 20, 'request');
    const inner: Buffer[] = [];
    for (const f of outer) {
      const parsed = parseRequestFrame(f);
      expect(parsed.kind).toBe('sasl');
      if (parsed.kind !== 'sasl') continue;
      expect(parsed.header.callId).toBe(-33);
      expect(parsed.header.retryCount).toBe(-1);
      inner.push(...unwrapped.push(parsed.sasl));
    }
    expect(inner.map((b) => b.length)).toEqual([MAX_WRAP_PLAIN_BYTES, 4]);
  });
});
