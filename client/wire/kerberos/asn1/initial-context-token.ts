import { expectTag, readElement, TagClass } from './der-reader.js';
import { derApplication } from './der-writer.js';
import { KerberosFormatError } from '../kerberos-errors.js';
import { derObjectIdentifier, readObjectIdentifier } from './object-identifier.js';

/**
 * RFC 2743 section 3.1's InitialContextToken: [APPLICATION 0] IMPLICIT SEQUENCE { thisMech OID,
 * innerContextToken ANY }: the framing around the first token of a context, naming its mechanism.
 */
export function frameInitialContextToken(mechanismOid: string, innerToken: Buffer): Buffer {
  return derApplication(0, Buffer.concat([derObjectIdentifier(mechanismOid), innerToken]));
}

/** The mechanism and inner token of an InitialContextToken. */
export function unframeInitialContextToken(token: Buffer, what: string): { mechanismOid: string; innerToken: Buffer } {
  const outer = expectTag(readElement(token, what), TagClass.application, 0, what);
  if (!outer.constructed) throw new KerberosFormatError(`${what}: the [APPLICATION 0] framing is not constructed`);
  // The inner token need not be DER (Kerberos puts a 2-byte TOK_ID first), so only the OID is
  // read as an element: tag 6 and a short-form length, as every mechanism OID has.
  const { content } = outer;
  if (content.length < 2 || content[0] !== 6 || content[1] >= 0x80 || 2 + content[1] > content.length)
    throw new KerberosFormatError(`${what}: the framing does not start with a mechanism OID`);
  const oidLength = 2 + content[1];
  return {
    mechanismOid: readObjectIdentifier(readElement(content.subarray(0, oidLength), `${what} thisMech`), `${what} thisMech`),
    innerToken: content.subarray(oidLength),
  };
}
