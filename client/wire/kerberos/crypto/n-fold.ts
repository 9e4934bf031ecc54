/**
 * RFC 3961 section 5.1's n-fold: stretch or shrink `input` to `outBytes` bytes. The input is
 * repeated, each copy rotated 13 bits further right, until the length is a common multiple of
 * both sizes; the `outBytes` chunks are then added with one's-complement (end-around carry)
 * addition.
 */
export function nFold(input: Uint8Array, outBytes: number): Buffer {
  const inBytes = input.length;
  const lcm = (inBytes * outBytes) / gcd(inBytes, outBytes);
  const copies = lcm / inBytes;
  const stretched = new Uint8Array(lcm);
  for (let copy = 0; copy < copies; copy++) stretched.set(rotateRightBits(input, 13 * copy), copy * inBytes);
  const sum = new Uint8Array(outBytes);
  for (let chunk = 0; chunk < lcm; chunk += outBytes) onesComplementAdd(sum, stretched.subarray(chunk, chunk + outBytes));
  return Buffer.from(sum);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function rotateRightBits(bytes: Uint8Array, rotation: number): Uint8Array {
  const bits = bytes.length * 8;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bits; i++) {
    const from = (((i - rotation) % bits) + bits) % bits;
    if ((bytes[from >> 3] >> (7 - (from & 7))) & 1) out[i >> 3] |= 0x80 >> (i & 7);
  }
  return out;
}

/** sum += addend, big-endian, the carry out of the top byte added back at the bottom. */
function onesComplementAdd(sum: Uint8Array, addend: Uint8Array): void {
  let carry = 0;
  for (let i = sum.length - 1; i >= 0; i--) {
    const v = sum[i] + addend[i] + carry;
    sum[i] = v & 0xff;
    carry = v >> 8;
  }
  while (carry) {
    for (let i = sum.length - 1; i >= 0 && carry; i--) {
      const v = sum[i] + carry;
      sum[i] = v & 0xff;
      carry = v >> 8;
    }
  }
}
