import { randomInt } from 'node:crypto';
import { readElement } from '../asn1/der-reader.js';
import type { EncryptionType } from '../crypto/encryption-type.js';
import { encryptionType, isSupportedEncryptionType, SUPPORTED_ENCRYPTION_TYPES } from '../crypto/encryption-types.js';
import { KeyUsage } from '../crypto/key-usage.js';
import type { CachedCredential, CachePrincipal } from '../files/credential-cache.js';
import type { KeytabEntry } from '../files/keytab.js';
import type { Krb5Config } from '../files/krb5-conf.js';
import { KerberosIntegrityError, KerberosLoginError } from '../kerberos-errors.js';
import { encodeApRequest, encodeAuthenticator } from '../messages/ap-request.js';
import { KdcOptions, MessageType, NameType, PaDataType } from '../messages/kerberos-constants.js';
import {
  decodePaDataList,
  encodeEncryptedData,
  type EncryptionKey,
  type PaData,
  type PrincipalName,
  principalText,
} from '../messages/kerberos-types.js';
import { decodeEncKdcReplyPart, decodeKdcReply, type EncKdcReplyPart, type KdcReply } from '../messages/kdc-reply.js';
import { encodeKdcRequest, encodeKdcRequestBody } from '../messages/kdc-request.js';
import { decodeKrbError, type KrbError } from '../messages/krb-error.js';
import { KrbErrorCode, krbErrorMessage } from '../messages/krb-error-messages.js';
import { decodeEtypeInfo2, encodePaEncTimestamp, type EtypeInfo2Entry } from '../messages/pre-authentication.js';
import { defaultSalt } from '../messages/principal-text.js';
import { decodeTicket, type Ticket } from '../messages/ticket.js';
import { sendToKdc } from './kdc-transport.js';

/** A ticket with its session key and times: what kinit puts in the cache. */
export interface KerberosCredential {
  readonly client: CachePrincipal;
  readonly server: CachePrincipal;
  readonly ticket: Ticket;
  readonly sessionKey: EncryptionKey;
  readonly flags: number;
  readonly authTime: Date;
  readonly startTime?: Date | undefined;
  readonly endTime: Date;
  readonly renewTill?: Date | undefined;
}

/** Who logs in and with what secret: a password, or a keytab's entries for the principal. */
export type LoginSecret = { password: string } | { keytab: readonly KeytabEntry[] };

export interface LoginOptions {
  readonly config: Krb5Config;
  readonly client: { name: PrincipalName; realm: string };
  readonly secret: LoginSecret;
  /** Per-KDC timeout in ms. */
  readonly timeoutMs?: number;
  /** The clock (tests move it). */
  readonly now?: () => Date;
  /**
   * MIT's kdc_timesync: told the KDC's time (a KRB_AP_ERR_SKEW error's stime, then the reply's
   * authtime) so the caller's clock (`now`) follows the KDC's; the skewed pre-authentication is
   * sent once more. Without it a skew beyond krb5.conf's clockskew is an error.
   */
  readonly adoptKdcTime?: (kdcTime: Date) => void;
}

/**
 * The AS exchange (RFC 4120 section 3.1) for a TGT, as kinit does it: a first AS-REQ without
 * pre-authentication; on KDC_ERR_PREAUTH_REQUIRED, a second with PA-ENC-TIMESTAMP encrypted in
 * the key derived from the salt and etype of the KDC's ETYPE-INFO2. The reply's nonce, realm and
 * time are checked (the time against krb5.conf's clockskew).
 */
export async function loginToKdc(options: LoginOptions): Promise<KerberosCredential> {
  const { config, client, secret } = options;
  const now = options.now ?? (() => new Date());
  const clientText = principalText(client.name, client.realm);
  const krbtgt: PrincipalName = { nameType: NameType.SRV_INST, nameString: ['krbtgt', client.realm] };
  const etypes = offeredEncryptionTypes(secret, client);
  if (etypes.length === 0)
    throw new KerberosLoginError(
      `the keytab holds no key of ${clientText} in an encryption type Loom supports (${SUPPORTED_ENCRYPTION_TYPES.map((e) => e.name).join(', ')})`,
      undefined,
    );
  const nonce = randomInt(0, 0x7fffffff);
  const body = encodeKdcRequestBody({
    options: KdcOptions.FORWARDABLE | KdcOptions.RENEWABLE_OK,
    cname: client.name,
    realm: client.realm,
    sname: krbtgt,
    till: new Date(now().getTime() + config.ticketLifetimeSeconds * 1000),
    nonce,
    etypes: etypes.map((e) => e.id),
  });
  const exchange = (padata: PaData[]) =>
    sendToKdc(config, client.realm, encodeKdcRequest(MessageType.AS_REQ, padata, body), { timeoutMs: options.timeoutMs });
  let reply = await exchange([]);
  let etypeInfo: EtypeInfo2Entry[] = [];
  const firstError = krbErrorOf(reply);
  if (firstError) {
    if (firstError.errorCode !== KrbErrorCode.KDC_ERR_PREAUTH_REQUIRED)
      throw loginError(firstError, clientText, principalText(krbtgt, client.realm), now());
    etypeInfo = etypeInfoOf(firstError);
    const chosen = etypeInfo.find((e) => etypes.some((t) => t.id === e.etype));
    if (!chosen)
      throw new KerberosLoginError(
        `the KDC of ${client.realm} offers ${clientText} no encryption type Loom supports (it offers ${etypeInfo.map((e) => e.etype).join(', ')})`,
        KrbErrorCode.KDC_ERR_ETYPE_NOSUPP,
      );
    const type = encryptionType(chosen.etype);
    const key = clientKey(secret, client, type, chosen);
    const withTimestamp = () => {
      const timestamp = type.encrypt(key, KeyUsage.AS_REQ_PA_ENC_TIMESTAMP, encodePaEncTimestamp(now()));
      return exchange([{ type: PaDataType.ENC_TIMESTAMP, value: encodeEncryptedDataFor(type, timestamp) }]);
    };
    reply = await withTimestamp();
    let secondError = krbErrorOf(reply);
    if (secondError?.errorCode === KrbErrorCode.KRB_AP_ERR_SKEW && options.adoptKdcTime) {
      // MIT's kdc_timesync: the KRB-ERROR's stime is the KDC's clock; take it and try once more.
      options.adoptKdcTime(secondError.serverTime);
      reply = await withTimestamp();
      secondError = krbErrorOf(reply);
    }
    if (secondError) throw loginError(secondError, clientText, principalText(krbtgt, client.realm), now());
  }
  const asRep = decodeKdcReply(reply, MessageType.AS_REP);
  const replyInfo = asRep.padata.filter((p) => p.type === PaDataType.ETYPE_INFO2).flatMap((p) => decodeEtypeInfo2(p.value));
  const type = encryptionType(asRep.encPart.etype);
  const info = [...replyInfo, ...etypeInfo].find((e) => e.etype === type.id) ?? { etype: type.id };
  const key = clientKey(secret, client, type, info);
  let plain: Buffer;
  try {
    plain = type.decrypt(key, KeyUsage.AS_REP_ENC_PART, asRep.encPart.cipher);
  } catch (err) {
    if (err instanceof KerberosIntegrityError)
      throw new KerberosLoginError(
        `Kerberos login of ${clientText} failed [Password incorrect]: the password is wrong, or the keytab's key is older than the KDC's (re-export it with kadmin ktadd)`,
        KrbErrorCode.KDC_ERR_PREAUTH_FAILED,
        { cause: err },
      );
    throw err;
  }
  const credential = credentialOf(asRep, decodeEncKdcReplyPart(plain), nonce, clientText);
  // With time sync the reply's authtime sets the offset (MIT skips its skew check then); without, a skewed clock is an error.
  if (options.adoptKdcTime) options.adoptKdcTime(credential.authTime);
  else checkClockSkew(config, credential.authTime, now(), client.realm);
  return credential;
}

/**
 * The TGS exchange (RFC 4120 section 3.3): a service ticket for `service` (e.g. HTTP/host), the
 * TGT in an AP-REQ in PA-TGS-REQ whose authenticator checksums the request body.
 */
export async function serviceTicket(
  config: Krb5Config,
  tgt: KerberosCredential,
  service: { name: PrincipalName; realm: string },
  options: { timeoutMs?: number; now?: () => Date } = {},
): Promise<KerberosCredential> {
  const now = options.now ?? (() => new Date());
  const clientText = principalText(tgt.client.name, tgt.client.realm);
  const serviceText = principalText(service.name, service.realm);
  if (tgt.endTime.getTime() <= now().getTime())
    throw new KerberosLoginError(
      `Kerberos ticket of ${clientText} expired at ${tgt.endTime.toISOString()} [Ticket expired]; log in again (kinit, or a keytab)`,
      KrbErrorCode.KRB_AP_ERR_TKT_EXPIRED,
    );
  const type = encryptionType(tgt.sessionKey.keyType);
  const nonce = randomInt(0, 0x7fffffff);
  const body = encodeKdcRequestBody({
    options: KdcOptions.FORWARDABLE,
    realm: service.realm,
    sname: service.name,
    till: tgt.endTime,
    nonce,
    etypes: SUPPORTED_ENCRYPTION_TYPES.map((e) => e.id),
  });
  const time = now();
  const authenticator = encodeAuthenticator({
    crealm: tgt.client.realm,
    cname: tgt.client.name,
    checksum: {
      checksumType: type.checksumType,
      checksum: type.checksum(tgt.sessionKey.keyValue, KeyUsage.TGS_REQ_PA_TGS_REQ_AP_REQ_AUTHENTICATOR_CHKSUM, body),
    },
    cusec: (time.getTime() % 1000) * 1000,
    ctime: time,
  });
  const apReq = encodeApRequest(0, tgt.ticket, {
    etype: type.id,
    cipher: type.encrypt(tgt.sessionKey.keyValue, KeyUsage.TGS_REQ_PA_TGS_REQ_AP_REQ_AUTHENTICATOR, authenticator),
  });
  const request = encodeKdcRequest(MessageType.TGS_REQ, [{ type: PaDataType.TGS_REQ, value: apReq }], body);
  const reply = await sendToKdc(config, tgt.server.realm, request, { timeoutMs: options.timeoutMs });
  const error = krbErrorOf(reply);
  if (error) throw loginError(error, clientText, serviceText, now());
  const tgsRep = decodeKdcReply(reply, MessageType.TGS_REP);
  const part = decodeEncKdcReplyPart(type.decrypt(tgt.sessionKey.keyValue, KeyUsage.TGS_REP_ENC_PART_SESSION_KEY, tgsRep.encPart.cipher));
  return credentialOf(tgsRep, part, nonce, serviceText);
}

/** An AS or TGS reply and its decrypted part as a credential, once the part answers this request (its nonce, RFC 4120 3.1.5). */
function credentialOf(rep: KdcReply, part: EncKdcReplyPart, nonce: number, whatText: string): KerberosCredential {
  if (part.nonce !== nonce)
    throw new KerberosLoginError(`the KDC's reply for ${whatText} carries the wrong nonce; it is not an answer to this request`, undefined);
  return {
    client: { realm: rep.crealm, name: rep.cname },
    server: { realm: part.srealm, name: part.sname },
    ticket: rep.ticket,
    sessionKey: part.key,
    flags: part.flags,
    authTime: part.authTime,
    startTime: part.startTime,
    endTime: part.endTime,
    renewTill: part.renewTill,
  };
}

/** A credential as an MIT cache entry (times in whole seconds). */
export function toCachedCredential(c: KerberosCredential): CachedCredential {
  const seconds = (d: Date | undefined) => (d ? Math.floor(d.getTime() / 1000) : 0);
  return {
    client: c.client,
    server: c.server,
    keyType: c.sessionKey.keyType,
    key: c.sessionKey.keyValue,
    authTime: seconds(c.authTime),
    startTime: seconds(c.startTime ?? c.authTime),
    endTime: seconds(c.endTime),
    renewTill: seconds(c.renewTill),
    isSessionKeyTicket: false,
    flags: c.flags,
    addresses: [],
    authData: [],
    ticket: c.ticket.encoded,
    secondTicket: Buffer.alloc(0),
  };
}

/** A cache entry (from kinit, kvno or Loom) as a credential; its ticket bytes are decoded, so a damaged entry throws KerberosFormatError. */
export function fromCachedCredential(c: CachedCredential): KerberosCredential {
  const date = (seconds: number) => new Date(seconds * 1000);
  return {
    client: c.client,
    server: c.server,
    ticket: decodeTicket(c.ticket),
    sessionKey: { keyType: c.keyType, keyValue: c.key },
    flags: c.flags,
    authTime: date(c.authTime),
    startTime: c.startTime === 0 ? undefined : date(c.startTime),
    endTime: date(c.endTime),
    renewTill: c.renewTill === 0 ? undefined : date(c.renewTill),
  };
}

function offeredEncryptionTypes(secret: LoginSecret, client: { name: PrincipalName; realm: string }): EncryptionType[] {
  if ('password' in secret) return [...SUPPORTED_ENCRYPTION_TYPES];
  const ids = new Set(keytabEntriesOf(secret.keytab, client).map((e) => e.enctype));
  return SUPPORTED_ENCRYPTION_TYPES.filter((e) => ids.has(e.id));
}

function keytabEntriesOf(keytab: readonly KeytabEntry[], client: { name: PrincipalName; realm: string }): KeytabEntry[] {
  const wanted = principalText(client.name, client.realm);
  const mine = keytab.filter((e) => principalText(e.principal, e.realm) === wanted && isSupportedEncryptionType(e.enctype));
  // The newest key version first (a keytab keeps old ones after a key change).
  return mine.sort((a, b) => b.kvno - a.kvno);
}

function clientKey(
  secret: LoginSecret,
  client: { name: PrincipalName; realm: string },
  type: EncryptionType,
  info: EtypeInfo2Entry,
): Buffer {
  if ('password' in secret) return type.stringToKey(secret.password, info.salt ?? defaultSalt(client.name, client.realm), info.s2kParams);
  const entry = keytabEntriesOf(secret.keytab, client).find((e) => e.enctype === type.id);
  if (!entry)
    throw new KerberosLoginError(
      `the keytab holds no ${type.name} key of ${principalText(client.name, client.realm)}, the type the KDC chose`,
      KrbErrorCode.KDC_ERR_ETYPE_NOSUPP,
    );
  return entry.key;
}

function encodeEncryptedDataFor(type: EncryptionType, cipher: Buffer): Buffer {
  return encodeEncryptedData({ etype: type.id, cipher });
}

function krbErrorOf(reply: Buffer): KrbError | undefined {
  if (reply.length === 0 || reply[0] !== 0x7e) return undefined; // [APPLICATION 30], constructed
  return decodeKrbError(reply);
}

function etypeInfoOf(error: KrbError): EtypeInfo2Entry[] {
  if (!error.eData) return [];
  const methods = decodePaDataList(readElement(error.eData, 'METHOD-DATA'), 'METHOD-DATA');
  return methods.filter((m) => m.type === PaDataType.ETYPE_INFO2).flatMap((m) => decodeEtypeInfo2(m.value));
}

function loginError(error: KrbError, client: string, service: string, localTime: Date): KerberosLoginError {
  return new KerberosLoginError(krbErrorMessage(error, client, service, localTime), error.errorCode, {
    detail: `KRB-ERROR ${error.errorCode}${error.eText ? ` "${error.eText}"` : ''} from realm ${error.realm} at ${error.serverTime.toISOString()}`,
  });
}

function checkClockSkew(config: Krb5Config, kdcTime: Date, localTime: Date, realm: string): void {
  const skew = Math.round((kdcTime.getTime() - localTime.getTime()) / 1000);
  if (Math.abs(skew) > config.clockSkewSeconds)
    throw new KerberosLoginError(
      `Kerberos clock skew too great: this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} the KDC of ${realm} (limit ${config.clockSkewSeconds} s, clockskew in krb5.conf); synchronise it (NTP)`,
      KrbErrorCode.KRB_AP_ERR_SKEW,
    );
}
