// Hadoop's local checksum file (`.<name>.crc`, ChecksumFileSystem): "crc\0", the bytes per
// checksum as a big-endian int (512), then one big-endian CRC-32 per 512-byte chunk.
// The NM's localized FILE resources carry one, and LOCALIZATION_COUNTERS count its bytes.

const BYTES_PER_CHECKSUM = 512;

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function checksumFileBytes(data: Buffer): Buffer {
  const chunks = Math.ceil(data.length / BYTES_PER_CHECKSUM);
  const out = Buffer.alloc(8 + 4 * chunks);
  out.write('crc\0', 0, 'latin1');
  out.writeInt32BE(BYTES_PER_CHECKSUM, 4);
  for (let i = 0; i < chunks; i++) {
    out.writeUInt32BE(crc32(data.subarray(i * BYTES_PER_CHECKSUM, (i + 1) * BYTES_PER_CHECKSUM)), 8 + 4 * i);
  }
  return out;
}
