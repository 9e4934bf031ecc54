import { timingSafeEqual } from 'node:crypto';
import type { EncryptionType } from '../crypto/encryption-type.js';
import { encryptionType } from '../crypto/encryption-types.js';
import { KeyUsage } from '../crypto/key-usage.js';
import { KerberosFormatError, KerberosIntegrityError } from '../kerberos-errors.js';
import type { EncryptionKey } from '../messages/kerberos-types.js';
import { GssContextError } from './gss-errors.js';
import { GssTokenId } from './gss-framing.js';
import {
  decodeTokenHeader,
  encodeTokenHeader,
  rotateLeft,
  TOKEN_HEADER_BYTES,
  type TokenHeader,
  TokenFlags,
} from './per-message-tokens.js';

/** A message that came out of a Wrap token, and whether it travelled encrypted (RFC 2743's conf_state). */
export interface GssUnwrapped {
  readonly message: Buffer;
  readonly confidential: boolean;
}

/** RFC 2743's per-message calls on an established Kerberos context (RFC 4121 section 4.2). */
export interface GssMessageProtection {
  /** A Wrap token around `message`: encrypted and integrity-protected when `confidential`, integrity only otherwise. */
  wrap(message: Buffer, confidential: boolean): Buffer;
  /** The message of a Wrap token from the peer; throws when it was altered, replayed, reordered or sent by us. */
  unwrap(token: Buffer): GssUnwrapped;
  /** A MIC token over `message`. */
  getMic(message: Buffer): Buffer;
  /** Checks a MIC token from the peer over `message`; throws when it does not match. */
  verifyMic(message: Buffer, token: Buffer): void;
}

export interface ContextKeys {
  /** We are the initiator (the client) or the acceptor (the service). */
  readonly role: 'initiator' | 'acceptor';
  /** The key of every token: the acceptor's subkey when it sent one, else the initiator's subkey. */
  readonly key: EncryptionKey;
  /** The acceptor sent a subkey: every token says so with the AcceptorSubkey flag. */
  readonly acceptorSubkey: boolean;
  /** Our first SND_SEQ. */
  readonly sendSequence: number;
  /** The peer's first SND_SEQ. */
  readonly receiveSequence: number;
}

/**
 * MIC and Wrap tokens of RFC 4121 section 4.2 with their sequence numbers: each token we send
 * takes the next SND_SEQ; each token we receive must carry exactly the next one of the peer's
 * (Hadoop IPC and SASL run over one TCP stream, so a gap or repeat means loss or replay).
 */
export class GssContextProtection implements GssMessageProtection {
  private readonly type: EncryptionType;
  private sendSequence: bigint;
  private receiveSequence: bigint;
  private readonly sealUsage: number;
  private readonly signUsage: number;
  private readonly peerSealUsage: number;
  private readonly peerSignUsage: number;

  constructor(private readonly keys: ContextKeys) {
    this.type = encryptionType(keys.key.keyType);
    this.sendSequence = BigInt(keys.sendSequence >>> 0);
    this.receiveSequence = BigInt(keys.receiveSequence >>> 0);
    const initiator = keys.role === 'initiator';
    this.sealUsage = initiator ? KeyUsage.GSSAPI_INITIATOR_SEAL : KeyUsage.GSSAPI_ACCEPTOR_SEAL;
    this.signUsage = initiator ? KeyUsage.GSSAPI_INITIATOR_SIGN : KeyUsage.GSSAPI_ACCEPTOR_SIGN;
    this.peerSealUsage = initiator ? KeyUsage.GSSAPI_ACCEPTOR_SEAL : KeyUsage.GSSAPI_INITIATOR_SEAL;
    this.peerSignUsage = initiator ? KeyUsage.GSSAPI_ACCEPTOR_SIGN : KeyUsage.GSSAPI_INITIATOR_SIGN;
  }

  getMic(message: Buffer): Buffer {
    const header = encodeTokenHeader({ tokenId: GssTokenId.MIC, flags: this.ourFlags(0), ec: 0, rrc: 0, sequence: this.nextSend() });
    const checksum = this.type.checksum(this.keys.key.keyValue, this.signUsage, Buffer.concat([message, header]));
    return Buffer.concat([header, checksum]);
  }

  verifyMic(message: Buffer, token: Buffer): void {
    const header = decodeTokenHeader(token, GssTokenId.MIC);
    this.checkFlags(header, 'MIC');
    const expected = this.type.checksum(
      this.keys.key.keyValue,
      this.peerSignUsage,
      Buffer.concat([message, token.subarray(0, TOKEN_HEADER_BYTES)]),
    );
    if (!sameBytes(expected, token.subarray(TOKEN_HEADER_BYTES)))
      throw new KerberosIntegrityError('GSS MIC token does not match its message: the message or the token was altered');
    this.checkSequence(header);
  }

  wrap(message: Buffer, confidential: boolean): Buffer {
    const flags = this.ourFlags(confidential ? TokenFlags.SEALED : 0);
    const plainHeader = encodeTokenHeader({ tokenId: GssTokenId.WRAP, flags, ec: 0, rrc: 0, sequence: this.nextSend() });
    if (confidential) {
      // Section 4.2.4: encrypt the plaintext, no filler (EC 0: the CTS etypes need no padding) and a copy of the header.
      const sealed = this.type.encrypt(this.keys.key.keyValue, this.sealUsage, Buffer.concat([message, plainHeader]));
      return Buffer.concat([plainHeader, sealed]);
    }
    // Integrity only: the checksum over plaintext and header (EC and RRC 0), EC then says how long it is.
    const checksum = this.type.checksum(this.keys.key.keyValue, this.sealUsage, Buffer.concat([message, plainHeader]));
    const header = Buffer.from(plainHeader);
    header.writeUInt16BE(checksum.length, 4);
    return Buffer.concat([header, message, checksum]);
  }

  unwrap(token: Buffer): GssUnwrapped {
    const header = decodeTokenHeader(token, GssTokenId.WRAP);
    this.checkFlags(header, 'Wrap');
    const body = rotateLeft(token.subarray(TOKEN_HEADER_BYTES), header.rrc);
    const confidential = (header.flags & TokenFlags.SEALED) !== 0;
    let message: Buffer;
    if (confidential) {
      const plain = this.type.decrypt(this.keys.key.keyValue, this.peerSealUsage, body);
      if (plain.length < TOKEN_HEADER_BYTES + header.ec)
        throw new KerberosFormatError(
          `GSS Wrap token: ${plain.length} decrypted bytes cannot hold ${header.ec} filler bytes and the header`,
        );
      const inner = plain.subarray(plain.length - TOKEN_HEADER_BYTES);
      // The encrypted copy of the header must be the header we read (its RRC aside, which the sender sets after encrypting).
      if (!sameBytes(inner.subarray(0, 6), token.subarray(0, 6)) || !sameBytes(inner.subarray(8), token.subarray(8, TOKEN_HEADER_BYTES)))
        throw new KerberosIntegrityError('GSS Wrap token: its encrypted header differs from its clear header (the token was altered)');
      message = Buffer.from(plain.subarray(0, plain.length - TOKEN_HEADER_BYTES - header.ec));
    } else {
      if (body.length < header.ec)
        throw new KerberosFormatError(`GSS Wrap token: ${body.length} bytes cannot hold a ${header.ec}-byte checksum`);
      message = Buffer.from(body.subarray(0, body.length - header.ec));
      const zeroed = Buffer.from(token.subarray(0, TOKEN_HEADER_BYTES));
      zeroed.writeUInt32BE(0, 4);
      const expected = this.type.checksum(this.keys.key.keyValue, this.peerSealUsage, Buffer.concat([message, zeroed]));
      if (!sameBytes(expected, body.subarray(body.length - header.ec)))
        throw new KerberosIntegrityError('GSS Wrap token does not match its checksum: the message was altered');
    }
    this.checkSequence(header);
    return { message, confidential };
  }

  private ourFlags(extra: number): number {
    return (
      extra |
      (this.keys.role === 'acceptor' ? TokenFlags.SENT_BY_ACCEPTOR : 0) |
      (this.keys.acceptorSubkey ? TokenFlags.ACCEPTOR_SUBKEY : 0)
    );
  }

  private nextSend(): bigint {
    const sequence = this.sendSequence;
    this.sendSequence = (sequence + 1n) & 0xffffffffffffffffn;
    return sequence;
  }

  /** RFC 4121 section 4.2.2: a token must come from the other side, under the key the flags name. */
  private checkFlags(header: TokenHeader, what: string): void {
    const fromAcceptor = (header.flags & TokenFlags.SENT_BY_ACCEPTOR) !== 0;
    if (fromAcceptor !== (this.keys.role === 'initiator'))
      throw new GssContextError(
        `GSS ${what} token was sent by the ${fromAcceptor ? 'acceptor' : 'initiator'}, as we are: a reflected token`,
      );
    if ((header.flags & TokenFlags.ACCEPTOR_SUBKEY) !== 0 && !this.keys.acceptorSubkey)
      throw new GssContextError(`GSS ${what} token is under an acceptor subkey, but the acceptor sent none`);
  }

  private checkSequence(header: TokenHeader): void {
    if (header.sequence !== this.receiveSequence)
      throw new GssContextError(
        `GSS token out of sequence: number ${header.sequence.toString()}, expected ${this.receiveSequence.toString()} (a replayed, lost or reordered message)`,
      );
    this.receiveSequence = (this.receiveSequence + 1n) & 0xffffffffffffffffn;
  }
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
