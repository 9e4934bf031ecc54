import { expectTag, TagClass, type DerElement } from './der-reader.js';
import { derElement } from './der-writer.js';
import { KerberosFormatError } from '../kerberos-errors.js';

/** ASN.1's universal tag of an OBJECT IDENTIFIER (X.690 section 8.19). */
const OBJECT_IDENTIFIER_TAG = 6;

/** An OBJECT IDENTIFIER in dotted form ("1.2.840.113554.1.2.2") as DER: the first two arcs in one byte, then base-128 arcs. */
export function derObjectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0) || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39))
    throw new KerberosFormatError(`"${dotted}" is not an object identifier`);
  const bytes: number[] = [];
  for (const arc of [arcs[0] * 40 + arcs[1], ...arcs.slice(2)]) {
    const digits: number[] = [];
    for (let n = arc; ; n = Math.floor(n / 128)) {
      digits.unshift(n % 128);
      if (n < 128) break;
    }
    bytes.push(...digits.map((d, i) => (i < digits.length - 1 ? d | 0x80 : d)));
  }
  return derElement(TagClass.universal, false, OBJECT_IDENTIFIER_TAG, Buffer.from(bytes));
}

/** An OBJECT IDENTIFIER element in dotted form; arcs beyond 2^53 or a cut-short arc are format errors. */
export function readObjectIdentifier(element: DerElement, what: string): string {
  const { content } = expectTag(element, TagClass.universal, OBJECT_IDENTIFIER_TAG, what);
  if (content.length === 0) throw new KerberosFormatError(`${what}: empty OBJECT IDENTIFIER`);
  const arcs: number[] = [];
  let arc = 0;
  for (let i = 0; i < content.length; i++) {
    arc = arc * 128 + (content[i] & 0x7f);
    if (!Number.isSafeInteger(arc)) throw new KerberosFormatError(`${what}: OBJECT IDENTIFIER arc too large`);
    if (content[i] & 0x80) {
      if (i === content.length - 1) throw new KerberosFormatError(`${what}: OBJECT IDENTIFIER cut short inside an arc`);
      continue;
    }
    if (arcs.length === 0) arcs.push(arc < 80 ? Math.floor(arc / 40) : 2, arc < 80 ? arc % 40 : arc - 80);
    else arcs.push(arc);
    arc = 0;
  }
  return arcs.join('.');
}
