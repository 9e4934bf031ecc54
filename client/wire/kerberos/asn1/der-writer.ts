import { TagClass, UniversalTag } from './der-reader.js';

/** One DER element: identifier (low tag form up to 30, high form above), length (short or long form), content. */
export function derElement(tagClass: number, constructed: boolean, tagNumber: number, content: Buffer): Buffer {
  const identifier: number[] = [];
  const first = (tagClass << 6) | (constructed ? 0x20 : 0);
  if (tagNumber < 31) identifier.push(first | tagNumber);
  else {
    const digits: number[] = [];
    for (let n = tagNumber; n > 0; n = Math.floor(n / 128)) digits.unshift(n % 128);
    identifier.push(first | 0x1f, ...digits.map((d, i) => (i < digits.length - 1 ? d | 0x80 : d)));
  }
  return Buffer.concat([Buffer.from(identifier), derLength(content.length), content]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A SEQUENCE of the given encoded elements (absent optional fields are left out by the caller). */
export function derSequence(elements: readonly (Buffer | undefined)[]): Buffer {
  return derElement(TagClass.universal, true, UniversalTag.sequence, Buffer.concat(elements.filter((e) => e !== undefined)));
}

/** [n] EXPLICIT around an encoded element, or undefined for an absent optional field. */
export function derExplicit(tag: number, inner: Buffer | undefined): Buffer | undefined {
  return inner === undefined ? undefined : derElement(TagClass.context, true, tag, inner);
}

/** [APPLICATION n] around an encoded element. */
export function derApplication(tag: number, inner: Buffer): Buffer {
  return derElement(TagClass.application, true, tag, inner);
}

/** The shortest two's complement INTEGER. */
export function derInteger(value: number): Buffer {
  const bytes: number[] = [];
  let n = BigInt(value);
  for (;;) {
    const low = Number(n & 0xffn);
    bytes.unshift(low);
    n >>= 8n;
    if ((n === 0n && !(low & 0x80)) || (n === -1n && low & 0x80)) break;
  }
  return derElement(TagClass.universal, false, UniversalTag.integer, Buffer.from(bytes));
}

export function derOctetString(bytes: Buffer): Buffer {
  return derElement(TagClass.universal, false, UniversalTag.octetString, bytes);
}

export function derKerberosString(text: string): Buffer {
  return derElement(TagClass.universal, false, UniversalTag.generalString, Buffer.from(text, 'utf8'));
}

/** KerberosTime: GeneralizedTime YYYYMMDDHHMMSSZ, whole seconds. */
export function derKerberosTime(time: Date): Buffer {
  const text = time
    .toISOString()
    .replace(/\.\d{3}/, '')
    .replace(/[-:T]/g, '');
  return derElement(TagClass.universal, false, UniversalTag.generalizedTime, Buffer.from(text, 'latin1'));
}

/** KerberosFlags as a 32-bit BIT STRING (bit 0 the most significant bit of `flags`). */
export function derKerberosFlags(flags: number): Buffer {
  const content = Buffer.alloc(5);
  content.writeUInt32BE(flags >>> 0, 1);
  return derElement(TagClass.universal, false, UniversalTag.bitString, content);
}
