// Inputs for the Kerberos, GSS and SPNEGO decoder fuzz tests: a seeded PRNG, so a failure
// reproduces, and one mutation of a valid input (cut short, bytes overwritten, a byte inserted, a bit flipped).

/** A small deterministic PRNG (mulberry32). */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function mutate(valid: Buffer, next: () => number): Buffer {
  const out = Buffer.from(valid);
  const kind = Math.floor(next() * 4);
  if (kind === 0) return out.subarray(0, Math.floor(next() * out.length));
  if (kind === 1) {
    for (let i = 0; i < 1 + next() * 4; i++) out[Math.floor(next() * out.length)] = Math.floor(next() * 256);
    return out;
  }
  if (kind === 2) {
    const at = Math.floor(next() * out.length);
    return Buffer.concat([out.subarray(0, at), Buffer.from([Math.floor(next() * 256)]), out.subarray(at)]);
  }
  out[Math.floor(next() * out.length)] ^= 1 << Math.floor(next() * 8);
  return out;
}
