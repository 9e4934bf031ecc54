import { afterEach, describe, expect, it, vi } from 'vitest';

// Count the comparisons: the secret check must go through crypto.timingSafeEqual, never `===`.
const spy = vi.hoisted(() => ({ calls: [] as [number, number][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      spy.calls.push([a.byteLength, b.byteLength]);
      return actual.timingSafeEqual(a, b);
    },
  };
});

const { BearerSecret } = await import('../../../appmaster/dispatcher/bearer-secret.js');
const { bearer, DispatcherKit, http } = await import('./dispatcher-kit.js');

const kit = new DispatcherKit();
afterEach(async () => {
  await kit.stopAll();
  spy.calls.length = 0;
});

describe('BearerSecret', () => {
  it('compares digests of equal length in constant time, whatever the length presented', () => {
    const s = new BearerSecret('0123456789abcdef0123456789abcdef');
    expect(s.matches('0123456789abcdef0123456789abcdef')).toBe(true);
    expect(s.matches('0123456789abcdef0123456789abcdeX')).toBe(false);
    expect(s.matches('x')).toBe(false);
    expect(s.matches('0123456789abcdef0123456789abcdef0123456789abcdef')).toBe(false);
    expect(spy.calls).toEqual([
      [32, 32],
      [32, 32],
      [32, 32],
      [32, 32],
    ]);
  });

  it('reads only Bearer tokens from the header', () => {
    expect(BearerSecret.tokenOf('Bearer abc')).toBe('abc');
    expect(BearerSecret.tokenOf('bearer \tabc ')).toBe('abc');
    expect(BearerSecret.tokenOf('Basic abc')).toBeUndefined();
    expect(BearerSecret.tokenOf('Bearer a b')).toBeUndefined();
    expect(BearerSecret.tokenOf(undefined)).toBeUndefined();
  });

  it('the dispatcher checks every presented secret with it', async () => {
    const { secret, port } = await kit.start();
    spy.calls.length = 0;
    expect((await http(port, 'GET', '/overview', { headers: bearer(secret) })).status).toBe(200);
    expect((await http(port, 'GET', '/overview', { headers: bearer('wrong-secret-of-another-length') })).status).toBe(401);
    expect(spy.calls).toEqual([
      [32, 32],
      [32, 32],
    ]);
  });
});
