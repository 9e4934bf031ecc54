import { KerberosFormatError } from '../kerberos-errors.js';

/** RFC 4121 section 4.1.1: the authenticator checksum type that carries GSS data instead of a checksum. */
export const GSS_CHECKSUM_TYPE = 0x8003;

/** RFC 2744's context flags as RFC 4121 section 4.1.1.1 puts them in the checksum's Flags field. */
export const GssFlags = {
  DELEG: 1,
  MUTUAL: 2,
  REPLAY: 4,
  SEQUENCE: 8,
  CONF: 16,
  INTEG: 32,
} as const;

/** Channel bindings are not used (Hadoop IPC and SPNEGO pass none): Bnd is 16 zero bytes. */
const NO_CHANNEL_BINDINGS = Buffer.alloc(16);

/** The 0x8003 checksum value: Lgth (16, little-endian), Bnd, Flags (little-endian); no delegation. */
export function encodeGssChecksum(flags: number): Buffer {
  const out = Buffer.alloc(24);
  out.writeUInt32LE(16, 0);
  NO_CHANNEL_BINDINGS.copy(out, 4);
  out.writeUInt32LE(flags & ~GssFlags.DELEG, 20);
  return out;
}

/** The flags of a 0x8003 checksum (the delegation fields after them, if any, are ignored). */
export function decodeGssChecksum(value: Buffer): { flags: number; channelBindings: Buffer } {
  if (value.length < 24) throw new KerberosFormatError(`GSS authenticator checksum: ${value.length} bytes, expected at least 24`);
  const length = value.readUInt32LE(0);
  if (length !== 16) throw new KerberosFormatError(`GSS authenticator checksum: channel binding length ${length}, expected 16`);
  return { channelBindings: value.subarray(4, 20), flags: value.readUInt32LE(20) };
}
