// The acceptor side of SPNEGO as Hadoop's KerberosAuthenticationHandler plays it, for tests: reads
// the NegTokenInit, decrypts the AP-REQ's ticket with a service keytab (so only a real ticket from
// the KDC passes) and the authenticator with the ticket's session key, and answers a NegTokenResp
// with the AP-REP (mutual authentication).
import { encryptionType } from '../../../../client/wire/kerberos/crypto/encryption-types.js';
import { KeyUsage } from '../../../../client/wire/kerberos/crypto/key-usage.js';
import type { KeytabEntry } from '../../../../client/wire/kerberos/files/keytab.js';
import { decodeApRequest, encodeApReply, encodeEncApReplyPart } from '../../../../client/wire/kerberos/gss/ap-exchange.js';
import { frameContextToken, GssTokenId, unframeContextToken } from '../../../../client/wire/kerberos/gss/gss-framing.js';
import { decodeAuthenticator } from '../../../../client/wire/kerberos/messages/ap-request.js';
import { principalText } from '../../../../client/wire/kerberos/messages/kerberos-types.js';
import { decodeEncTicketPart } from '../../../../client/wire/kerberos/messages/ticket.js';
import { KRB5_OID } from '../../../../client/wire/kerberos/spnego/mechanism-oids.js';
import { decodeNegotiationToken, encodeNegTokenResp, NegState } from '../../../../client/wire/kerberos/spnego/negotiation-token.js';

export interface Accepted {
  /** The client principal the ticket names, "alice@LOOM.TEST". */
  client: string;
  /** The service principal the ticket is for. */
  service: string;
  mechTypes: readonly string[];
  /** The NegTokenResp to send back in `WWW-Authenticate: Negotiate`. */
  replyToken: Buffer;
}

/** Accepts the base64 SPNEGO token of an `Authorization: Negotiate` header; throws when the ticket is not for a key of `keytab`. */
export function acceptNegotiate(base64Token: string, keytab: readonly KeytabEntry[], opts: { corruptReply?: boolean } = {}): Accepted {
  const init = decodeNegotiationToken(Buffer.from(base64Token, 'base64'));
  if (init.kind !== 'init' || !init.mechToken) throw new Error('not a NegTokenInit with a mechToken');
  const { tokenId, message } = unframeContextToken(init.mechToken);
  if (tokenId !== GssTokenId.AP_REQ) throw new Error(`TOK_ID ${tokenId}`);
  const apReq = decodeApRequest(message);
  const service = principalText(apReq.ticket.sname, apReq.ticket.realm);
  const entry = keytab.find((e) => e.enctype === apReq.ticket.encPart.etype && principalText(e.principal, e.realm) === service);
  if (!entry) throw new Error(`no key for ${service} etype ${apReq.ticket.encPart.etype} in the keytab`);
  const ticketType = encryptionType(entry.enctype);
  const ticket = decodeEncTicketPart(ticketType.decrypt(entry.key, KeyUsage.KDC_REP_TICKET, apReq.ticket.encPart.cipher));
  const sessionType = encryptionType(ticket.key.keyType);
  const authenticator = decodeAuthenticator(
    sessionType.decrypt(ticket.key.keyValue, KeyUsage.AP_REQ_AUTHENTICATOR, apReq.authenticator.cipher),
  );
  const replyKey = opts.corruptReply ? Buffer.alloc(ticket.key.keyValue.length, 1) : ticket.key.keyValue;
  const encPart = encodeEncApReplyPart({ ctime: authenticator.ctime, cusec: authenticator.cusec, seqNumber: 7 });
  const apRep = encodeApReply({ etype: sessionType.id, cipher: sessionType.encrypt(replyKey, KeyUsage.AP_REP_ENC_PART, encPart) });
  return {
    client: principalText(ticket.cname, ticket.crealm),
    service,
    mechTypes: init.mechTypes,
    replyToken: encodeNegTokenResp({
      negState: NegState.acceptCompleted,
      supportedMech: KRB5_OID,
      responseToken: frameContextToken(GssTokenId.AP_REP, apRep),
    }),
  };
}
