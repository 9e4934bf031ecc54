import { KerberosFormatError } from '../kerberos-errors.js';
import { GssTokenId } from './gss-framing.js';

/** RFC 4121 section 4.2.2: the Flags octet of MIC and Wrap tokens. */
export const TokenFlags = {
  SENT_BY_ACCEPTOR: 0x01,
  SEALED: 0x02,
  ACCEPTOR_SUBKEY: 0x04,
} as const;

/** Every MIC and Wrap token starts with this 16-byte header (RFC 4121 sections 4.2.6.1 and 4.2.6.2). */
export const TOKEN_HEADER_BYTES = 16;

/** The fields of a MIC or Wrap token header; ec and rrc are 0 in a MIC token, whose bytes 4-7 are filler. */
export interface TokenHeader {
  readonly tokenId: number;
  readonly flags: number;
  /** Wrap only: the "extra count" (filler after the plaintext when sealed, the checksum length when not). */
  readonly ec: number;
  /** Wrap only: the "right rotation count" applied to everything after the header. */
  readonly rrc: number;
  readonly sequence: bigint;
}

/**
 * The header bytes: TOK_ID, Flags, then 0xFF filler (one byte and EC, RRC in a Wrap token;
 * five bytes in a MIC token), then SND_SEQ as a 64-bit big-endian number.
 */
export function encodeTokenHeader(header: TokenHeader): Buffer {
  const out = Buffer.alloc(TOKEN_HEADER_BYTES, 0xff);
  out.writeUInt16BE(header.tokenId, 0);
  out[2] = header.flags;
  if (header.tokenId === GssTokenId.WRAP) {
    out.writeUInt16BE(header.ec, 4);
    out.writeUInt16BE(header.rrc, 6);
  }
  out.writeBigUInt64BE(header.sequence, 8);
  return out;
}

/** The header of a token expected to be a `tokenId` token; throws KerberosFormatError for anything else. */
export function decodeTokenHeader(token: Buffer, tokenId: number): TokenHeader {
  const what = tokenId === GssTokenId.MIC ? 'GSS MIC token' : 'GSS Wrap token';
  if (token.length < TOKEN_HEADER_BYTES) throw new KerberosFormatError(`${what}: ${token.length} bytes, shorter than its 16-byte header`);
  const found = token.readUInt16BE(0);
  if (found !== tokenId)
    throw new KerberosFormatError(
      `${what}: TOK_ID ${found.toString(16).padStart(4, '0')}, expected ${tokenId.toString(16).padStart(4, '0')}`,
    );
  const flags = token[2];
  if (flags & ~0x07) throw new KerberosFormatError(`${what}: unknown flags 0x${flags.toString(16)}`);
  const fillerEnd = tokenId === GssTokenId.WRAP ? 4 : 8;
  if (!token.subarray(3, fillerEnd).every((b) => b === 0xff)) throw new KerberosFormatError(`${what}: filler bytes are not 0xFF`);
  const wrap = tokenId === GssTokenId.WRAP;
  return {
    tokenId,
    flags,
    ec: wrap ? token.readUInt16BE(4) : 0,
    rrc: wrap ? token.readUInt16BE(6) : 0,
    sequence: token.readBigUInt64BE(8),
  };
}

/**
 * Undoes a sender's right rotation by `count` (RFC 4121 section 4.2.5): Microsoft's SSPI rotates
 * by 28 (EC plus the 16-byte encrypted header plus the 12-byte HMAC), MIT and Java by 0.
 */
export function rotateLeft(data: Buffer, count: number): Buffer {
  if (data.length === 0) return data;
  const shift = count % data.length;
  if (shift === 0) return data;
  return Buffer.concat([data.subarray(shift), data.subarray(0, shift)]);
}
