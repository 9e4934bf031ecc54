import { expectTag, readElement, readOctetString, sequenceFields, sequenceOf, TagClass } from '../asn1/der-reader.js';
import { derElement, derExplicit, derOctetString, derSequence } from '../asn1/der-writer.js';
import { KerberosFormatError } from '../kerberos-errors.js';
import { frameInitialContextToken, unframeInitialContextToken } from '../asn1/initial-context-token.js';
import { SPNEGO_OID } from './mechanism-oids.js';
import { derObjectIdentifier, readObjectIdentifier } from '../asn1/object-identifier.js';

/** RFC 4178 section 4.2.1: the initiator's offer, the mechanisms in order of preference and the optimistic token of the first. */
export interface NegTokenInit {
  readonly kind: 'init';
  readonly mechTypes: readonly string[];
  /** The first mechanism's initial token (for Kerberos, its own RFC 2743-framed AP-REQ). */
  readonly mechToken?: Buffer | undefined;
  readonly mechListMIC?: Buffer | undefined;
}

/** negState (RFC 4178 section 4.2.2). */
export const NegState = { acceptCompleted: 0, acceptIncomplete: 1, reject: 2, requestMic: 3 } as const;
export type NegStateValue = (typeof NegState)[keyof typeof NegState];

/** RFC 4178 section 4.2.2: the acceptor's answer (and any later token either side sends). */
export interface NegTokenResp {
  readonly kind: 'resp';
  readonly negState?: NegStateValue | undefined;
  readonly supportedMech?: string | undefined;
  /** The chosen mechanism's reply (for Kerberos with mutual authentication, the framed AP-REP). */
  readonly responseToken?: Buffer | undefined;
  readonly mechListMIC?: Buffer | undefined;
}

export type NegotiationToken = NegTokenInit | NegTokenResp;

const ENUMERATED_TAG = 10;

/**
 * The initiator's first token: NegotiationToken's negTokenInit [0] inside the RFC 2743 framing
 * with the SPNEGO OID, what `Authorization: Negotiate` carries (RFC 4559 section 4.2).
 */
export function encodeNegTokenInit(init: Omit<NegTokenInit, 'kind'>): Buffer {
  const fields = derSequence([
    derExplicit(0, derSequence(init.mechTypes.map(derObjectIdentifier))),
    derExplicit(2, init.mechToken && derOctetString(init.mechToken)),
    derExplicit(3, init.mechListMIC && derOctetString(init.mechListMIC)),
  ]);
  return frameInitialContextToken(SPNEGO_OID, derElement(TagClass.context, true, 0, fields));
}

/** NegotiationToken's negTokenResp [1], unframed as RFC 4178 sends every token after the first. */
export function encodeNegTokenResp(resp: Omit<NegTokenResp, 'kind'>): Buffer {
  const fields = derSequence([
    derExplicit(
      0,
      resp.negState === undefined ? undefined : derElement(TagClass.universal, false, ENUMERATED_TAG, Buffer.from([resp.negState])),
    ),
    derExplicit(1, resp.supportedMech === undefined ? undefined : derObjectIdentifier(resp.supportedMech)),
    derExplicit(2, resp.responseToken && derOctetString(resp.responseToken)),
    derExplicit(3, resp.mechListMIC && derOctetString(resp.mechListMIC)),
  ]);
  return derElement(TagClass.context, true, 1, fields);
}

/**
 * A SPNEGO token as received: the framed negTokenInit, or a negTokenResp (bare, or framed as some
 * acceptors send it). Anything else, or a framing of another mechanism, is a KerberosFormatError.
 */
export function decodeNegotiationToken(bytes: Buffer): NegotiationToken {
  const what = 'SPNEGO token';
  let choice = bytes;
  if (bytes.length > 0 && bytes[0] === 0x60) {
    const { mechanismOid, innerToken } = unframeInitialContextToken(bytes, what);
    if (mechanismOid !== SPNEGO_OID)
      throw new KerberosFormatError(`${what}: framed for mechanism ${mechanismOid}, not SPNEGO (${SPNEGO_OID})`);
    choice = innerToken;
  }
  const element = readElement(choice, what);
  if (element.tagClass !== TagClass.context || (element.tagNumber !== 0 && element.tagNumber !== 1))
    throw new KerberosFormatError(`${what}: neither negTokenInit [0] nor negTokenResp [1]`);
  return element.tagNumber === 0 ? decodeInit(element.content) : decodeResp(element.content);
}

function decodeInit(content: Buffer): NegTokenInit {
  const what = 'NegTokenInit';
  const f = sequenceFields(readElement(content, what), what);
  const mechToken = f.optional(2);
  const mic = f.optional(3);
  return {
    kind: 'init',
    mechTypes: sequenceOf(f.required(0, 'mechTypes'), `${what} mechTypes`).map((oid) => readObjectIdentifier(oid, `${what} mechTypes`)),
    mechToken: mechToken && readOctetString(mechToken, `${what} mechToken`),
    mechListMIC: mic && readOctetString(mic, `${what} mechListMIC`),
  };
}

function decodeResp(content: Buffer): NegTokenResp {
  const what = 'NegTokenResp';
  const f = sequenceFields(readElement(content, what), what);
  const state = f.optional(0);
  const mech = f.optional(1);
  const token = f.optional(2);
  const mic = f.optional(3);
  return {
    kind: 'resp',
    negState: state && readNegState(expectTag(state, TagClass.universal, ENUMERATED_TAG, what).content),
    supportedMech: mech && readObjectIdentifier(mech, `${what} supportedMech`),
    responseToken: token && readOctetString(token, `${what} responseToken`),
    mechListMIC: mic && readOctetString(mic, `${what} mechListMIC`),
  };
}

function readNegState(content: Buffer): NegStateValue {
  if (content.length !== 1 || content[0] > 3)
    throw new KerberosFormatError(`NegTokenResp: negState ${content.toString('hex')} is not 0 to 3`);
  return content[0] as NegStateValue;
}
