import { randomInt } from 'node:crypto';
import { encryptionType } from '../crypto/encryption-types.js';
import { KeyUsage } from '../crypto/key-usage.js';
import type { KerberosCredential } from '../kdc/kerberos-login.js';
import { KerberosFormatError, KerberosIntegrityError } from '../kerberos-errors.js';
import { ApOptions, encodeApRequest, encodeAuthenticator } from '../messages/ap-request.js';
import { decodeKrbError } from '../messages/krb-error.js';
import { krbErrorMessage } from '../messages/krb-error-messages.js';
import { type EncryptionKey, principalText } from '../messages/kerberos-types.js';
import { decodeApReply, decodeEncApReplyPart } from './ap-exchange.js';
import { encodeGssChecksum, GSS_CHECKSUM_TYPE, GssFlags } from './gss-checksum.js';
import { GssContextError } from './gss-errors.js';
import { frameContextToken, GssTokenId, unframeContextToken } from './gss-framing.js';
import { GssContextProtection, type GssMessageProtection, type GssUnwrapped } from './gss-message-protection.js';

/** The client side of one Kerberos GSS-API security context (RFC 4121). */
export interface GssInitiator extends GssMessageProtection {
  /** RFC 2743 InitialContextToken: [APPLICATION 0], the krb5 mechanism OID 1.2.840.113554.1.2.2, TOK_ID 01 00, the AP-REQ. */
  readonly initialToken: Buffer;
  /** Whether the context can protect messages: at once without mutual authentication, after accept() with it. */
  readonly established: boolean;
  /** Reads the acceptor's AP-REP token (TOK_ID 02 00) and takes its subkey and sequence number: mutual authentication. */
  accept(replyToken: Buffer): void;
}

/** MIT's initial sequence numbers stay below 2^30, so peers that read them as signed 32-bit numbers agree. */
const SEQUENCE_LIMIT = 0x40000000;

/**
 * GSS_Init_sec_context for the Kerberos mechanism (RFC 4121 section 4.1): an AP-REQ for the
 * ticket's service whose authenticator carries the 0x8003 checksum (no channel bindings; flags
 * integrity, confidentiality, sequence and, when `mutual`, mutual), a fresh initiator subkey of
 * the session key's type and a random initial sequence number.
 */
export function initiateSecurityContext(ticket: KerberosCredential, options: { mutual: boolean; now?: () => Date }): GssInitiator {
  return new KerberosGssInitiator(ticket, options.mutual, options.now ?? (() => new Date()));
}

class KerberosGssInitiator implements GssInitiator {
  readonly initialToken: Buffer;
  private protection: GssContextProtection | undefined;
  private readonly subkey: EncryptionKey;
  private readonly sequence: number;
  private readonly ctime: Date;
  private readonly cusec: number;
  private readonly service: string;

  constructor(
    private readonly credential: KerberosCredential,
    private readonly mutual: boolean,
    now: () => Date,
  ) {
    const type = encryptionType(credential.sessionKey.keyType);
    this.subkey = { keyType: type.id, keyValue: type.randomKey() };
    this.sequence = randomInt(0, SEQUENCE_LIMIT);
    const time = now();
    this.ctime = new Date(Math.floor(time.getTime() / 1000) * 1000);
    this.cusec = (time.getTime() % 1000) * 1000;
    this.service = principalText(credential.server.name, credential.server.realm);
    const flags = GssFlags.INTEG | GssFlags.CONF | GssFlags.SEQUENCE | (mutual ? GssFlags.MUTUAL : 0);
    const authenticator = encodeAuthenticator({
      crealm: credential.client.realm,
      cname: credential.client.name,
      checksum: { checksumType: GSS_CHECKSUM_TYPE, checksum: encodeGssChecksum(flags) },
      cusec: this.cusec,
      ctime: this.ctime,
      subkey: this.subkey,
      seqNumber: this.sequence,
    });
    const apReq = encodeApRequest(mutual ? ApOptions.MUTUAL_REQUIRED : 0, credential.ticket, {
      etype: type.id,
      cipher: type.encrypt(credential.sessionKey.keyValue, KeyUsage.AP_REQ_AUTHENTICATOR, authenticator),
    });
    this.initialToken = frameContextToken(GssTokenId.AP_REQ, apReq);
    // Without mutual authentication the acceptor answers nothing and numbers its tokens from our number (RFC 1964 1.2.1.1).
    if (!mutual)
      this.protection = new GssContextProtection({
        role: 'initiator',
        key: this.subkey,
        acceptorSubkey: false,
        sendSequence: this.sequence,
        receiveSequence: this.sequence,
      });
  }

  get established(): boolean {
    return this.protection !== undefined;
  }

  accept(replyToken: Buffer): void {
    if (this.protection)
      throw new GssContextError(`the GSS context with ${this.service} is already established; no further token was expected`);
    const { tokenId, message } = unframeContextToken(replyToken);
    if (tokenId === GssTokenId.KRB_ERROR) {
      const error = decodeKrbError(message);
      const client = principalText(this.credential.client.name, this.credential.client.realm);
      throw new GssContextError(
        `${this.service} refused our Kerberos authentication: ${krbErrorMessage(error, client, this.service, new Date())}`,
      );
    }
    if (tokenId !== GssTokenId.AP_REP)
      throw new KerberosFormatError(`GSS-API reply token: TOK_ID ${tokenId.toString(16).padStart(4, '0')}, expected 0200 (AP-REP)`);
    const encPart = decodeApReply(message);
    const sessionKey = this.credential.sessionKey;
    let plain: Buffer;
    try {
      plain = encryptionType(sessionKey.keyType).decrypt(sessionKey.keyValue, KeyUsage.AP_REP_ENC_PART, encPart.cipher);
    } catch (err) {
      if (err instanceof KerberosIntegrityError)
        throw new GssContextError(`mutual authentication of ${this.service} failed: its AP-REP is not encrypted with our session key`, {
          cause: err,
        });
      throw err;
    }
    const part = decodeEncApReplyPart(plain);
    if (part.ctime.getTime() !== this.ctime.getTime() || part.cusec !== this.cusec)
      throw new GssContextError(
        `mutual authentication of ${this.service} failed: its AP-REP does not answer our authenticator (ctime differs)`,
      );
    this.protection = new GssContextProtection({
      role: 'initiator',
      key: part.subkey ?? this.subkey,
      acceptorSubkey: part.subkey !== undefined,
      sendSequence: this.sequence,
      receiveSequence: part.seqNumber ?? this.sequence,
    });
  }

  wrap(message: Buffer, confidential: boolean): Buffer {
    return this.context().wrap(message, confidential);
  }

  unwrap(token: Buffer): GssUnwrapped {
    return this.context().unwrap(token);
  }

  getMic(message: Buffer): Buffer {
    return this.context().getMic(message);
  }

  verifyMic(message: Buffer, token: Buffer): void {
    this.context().verifyMic(message, token);
  }

  private context(): GssContextProtection {
    if (!this.protection)
      throw new GssContextError(`the GSS context with ${this.service} is not established yet: the acceptor's AP-REP has not been accepted`);
    return this.protection;
  }
}
