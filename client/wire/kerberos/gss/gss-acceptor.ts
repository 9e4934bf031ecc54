import { randomInt } from 'node:crypto';
import { encryptionType, isSupportedEncryptionType } from '../crypto/encryption-types.js';
import { KeyUsage } from '../crypto/key-usage.js';
import type { KeytabEntry } from '../files/keytab.js';
import { KerberosFormatError, KerberosIntegrityError } from '../kerberos-errors.js';
import { ApOptions, decodeAuthenticator } from '../messages/ap-request.js';
import { type EncryptionKey, principalText } from '../messages/kerberos-types.js';
import { decodeEncTicketPart } from '../messages/ticket.js';
import { decodeApRequest, encodeApReply, encodeEncApReplyPart } from './ap-exchange.js';
import { decodeGssChecksum, GSS_CHECKSUM_TYPE, GssFlags } from './gss-checksum.js';
import { GssContextError } from './gss-errors.js';
import { frameContextToken, GssTokenId, unframeContextToken } from './gss-framing.js';
import { type ContextKeys, GssContextProtection, type GssMessageProtection, type GssUnwrapped } from './gss-message-protection.js';

/** The service side of one Kerberos GSS-API security context, established by the initiator's first token. */
export interface GssAcceptor extends GssMessageProtection {
  /** The authenticated client, "user@REALM". */
  readonly initiator: string;
  /** The service principal the ticket was for, "rm/host@REALM". */
  readonly service: string;
  /** The context flags the initiator asked for (GssFlags). */
  readonly flags: number;
  /** The AP-REP token to send back when the initiator asked for mutual authentication, else undefined. */
  readonly replyToken: Buffer | undefined;
}

export interface AcceptOptions {
  /** The service's keys (its keytab). */
  readonly keytab: readonly KeytabEntry[];
  /** krb5.conf's clockskew (300 s by default, as MIT's). */
  readonly clockSkewSeconds?: number;
  /** The clock (tests move it). */
  readonly now?: () => Date;
}

/**
 * GSS_Accept_sec_context for the Kerberos mechanism (RFC 4121 section 4.1, RFC 4120 section
 * 3.2.3): the ticket decrypted with the service key from the keytab, the authenticator with the
 * ticket's session key; the client names must agree, the ticket be valid now and the
 * authenticator's time within the clock skew (no replay cache: Hadoop's SASL runs each context
 * once over its own connection). With mutual authentication it answers an AP-REP carrying a fresh
 * acceptor subkey and sequence number, and the tokens then use the acceptor subkey as MIT's and
 * Java's acceptors do.
 */
export function acceptSecurityContext(initialToken: Buffer, options: AcceptOptions): GssAcceptor {
  const now = (options.now ?? (() => new Date()))();
  const skewMs = (options.clockSkewSeconds ?? 300) * 1000;
  const { tokenId, message } = unframeContextToken(initialToken);
  if (tokenId !== GssTokenId.AP_REQ)
    throw new KerberosFormatError(`GSS-API initial token: TOK_ID ${tokenId.toString(16).padStart(4, '0')}, expected 0100 (AP-REQ)`);
  const apReq = decodeApRequest(message);
  const ticket = apReq.ticket;
  const service = principalText(ticket.sname, ticket.realm);
  const serviceKey = serviceKeyFor(options.keytab, service, ticket.encPart.etype, ticket.encPart.kvno);
  const ticketPart = decodeEncTicketPart(decryptOrRefuse(serviceKey, KeyUsage.KDC_REP_TICKET, ticket.encPart.cipher, service, 'ticket'));
  const sessionKey = ticketPart.key;
  const authenticator = decodeAuthenticator(
    decryptOrRefuse(sessionKey, KeyUsage.AP_REQ_AUTHENTICATOR, apReq.authenticator.cipher, service, 'authenticator'),
  );
  const initiator = principalText(ticketPart.cname, ticketPart.crealm);
  const claimed = principalText(authenticator.cname, authenticator.crealm);
  if (claimed !== initiator)
    throw new GssContextError(
      `Kerberos authenticator names ${claimed}, but the ticket was issued to ${initiator} [Ticket/authenticator don't match]`,
    );
  const start = ticketPart.startTime ?? ticketPart.authTime;
  if (start.getTime() - skewMs > now.getTime())
    throw new GssContextError(
      `the Kerberos ticket of ${initiator} for ${service} is not valid until ${start.toISOString()} [Ticket not yet valid]`,
    );
  if (ticketPart.endTime.getTime() + skewMs < now.getTime())
    throw new GssContextError(
      `the Kerberos ticket of ${initiator} for ${service} expired at ${ticketPart.endTime.toISOString()} [Ticket expired]`,
    );
  const skew = Math.round((authenticator.ctime.getTime() - now.getTime()) / 1000);
  if (Math.abs(skew) * 1000 > skewMs)
    throw new GssContextError(
      `Kerberos clock skew too great: ${initiator}'s clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} ${service}'s (limit ${skewMs / 1000} s); synchronise them (NTP)`,
    );
  if (authenticator.checksum?.checksumType !== GSS_CHECKSUM_TYPE)
    throw new GssContextError(`the AP-REQ from ${initiator} carries no GSS-API checksum (type 0x8003): not a GSS-API initiator`);
  const { flags } = decodeGssChecksum(authenticator.checksum.checksum);
  const initiatorKey = authenticator.subkey ?? sessionKey;
  const initiatorSequence = (authenticator.seqNumber ?? 0) >>> 0;
  const mutual = (apReq.options & ApOptions.MUTUAL_REQUIRED) !== 0 || (flags & GssFlags.MUTUAL) !== 0;
  if (!mutual)
    return new KerberosGssAcceptor(initiator, service, flags, undefined, {
      role: 'acceptor',
      key: initiatorKey,
      acceptorSubkey: false,
      sendSequence: initiatorSequence,
      receiveSequence: initiatorSequence,
    });
  const type = encryptionType(initiatorKey.keyType);
  const acceptorSubkey: EncryptionKey = { keyType: type.id, keyValue: type.randomKey() };
  const acceptorSequence = randomInt(0, 0x40000000);
  const encPart = encodeEncApReplyPart({
    ctime: authenticator.ctime,
    cusec: authenticator.cusec,
    subkey: acceptorSubkey,
    seqNumber: acceptorSequence,
  });
  const sessionType = encryptionType(sessionKey.keyType);
  const apRep = encodeApReply({
    etype: sessionType.id,
    cipher: sessionType.encrypt(sessionKey.keyValue, KeyUsage.AP_REP_ENC_PART, encPart),
  });
  return new KerberosGssAcceptor(initiator, service, flags, frameContextToken(GssTokenId.AP_REP, apRep), {
    role: 'acceptor',
    key: acceptorSubkey,
    acceptorSubkey: true,
    sendSequence: acceptorSequence,
    receiveSequence: initiatorSequence,
  });
}

/** The keytab's key of `service` in `etype`, of version `kvno` when the ticket names one. */
function serviceKeyFor(keytab: readonly KeytabEntry[], service: string, etype: number, kvno: number | undefined): EncryptionKey {
  const mine = keytab.filter((e) => principalText(e.principal, e.realm) === service);
  if (mine.length === 0) throw new GssContextError(`the keytab holds no key of ${service}, the principal the client's ticket is for`);
  if (!isSupportedEncryptionType(etype)) encryptionType(etype); // throws KerberosEncryptionTypeError naming it
  const ofType = mine.filter((e) => e.enctype === etype).sort((a, b) => b.kvno - a.kvno);
  const entry = kvno === undefined ? ofType[0] : ofType.find((e) => e.kvno === kvno);
  if (!entry)
    throw new GssContextError(
      `the keytab holds no ${encryptionType(etype).name} key of ${service}${kvno === undefined ? '' : ` with version ${kvno}`}; export the current keys again (kadmin ktadd)`,
    );
  return { keyType: entry.enctype, keyValue: entry.key };
}

function decryptOrRefuse(key: EncryptionKey, usage: number, cipher: Buffer, service: string, what: string): Buffer {
  try {
    return encryptionType(key.keyType).decrypt(key.keyValue, usage, cipher);
  } catch (err) {
    if (err instanceof KerberosIntegrityError)
      throw new GssContextError(`the Kerberos ${what} for ${service} does not decrypt with its key: a stale keytab or a forged ${what}`, {
        cause: err,
      });
    throw err;
  }
}

class KerberosGssAcceptor implements GssAcceptor {
  private readonly protection: GssContextProtection;

  constructor(
    readonly initiator: string,
    readonly service: string,
    readonly flags: number,
    readonly replyToken: Buffer | undefined,
    keys: ContextKeys,
  ) {
    this.protection = new GssContextProtection(keys);
  }

  wrap(message: Buffer, confidential: boolean): Buffer {
    return this.protection.wrap(message, confidential);
  }

  unwrap(token: Buffer): GssUnwrapped {
    return this.protection.unwrap(token);
  }

  getMic(message: Buffer): Buffer {
    return this.protection.getMic(message);
  }

  verifyMic(message: Buffer, token: Buffer): void {
    this.protection.verifyMic(message, token);
  }
}
