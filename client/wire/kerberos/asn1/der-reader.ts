import { KerberosFormatError } from '../kerberos-errors.js';

/** ASN.1 tag classes (the top two bits of the identifier octet). */
export const TagClass = { universal: 0, application: 1, context: 2, private: 3 } as const;

/** The universal tags Kerberos uses. */
export const UniversalTag = {
  integer: 2,
  bitString: 3,
  octetString: 4,
  sequence: 16,
  generalizedTime: 24,
  generalString: 27,
} as const;

/** One DER element: its tag and its content octets. */
export interface DerElement {
  readonly tagClass: number;
  readonly constructed: boolean;
  readonly tagNumber: number;
  readonly content: Buffer;
  /** The whole element, identifier and length included (a Ticket is kept as received). */
  readonly encoded: Buffer;
}

/** The elements laid end to end in `bytes`; `what` names the structure in errors. */
export function readElements(bytes: Buffer, what: string): DerElement[] {
  const out: DerElement[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const { element, next } = readElementAt(bytes, offset, what);
    out.push(element);
    offset = next;
  }
  return out;
}

/** The single element that is all of `bytes`. */
export function readElement(bytes: Buffer, what: string): DerElement {
  const { element, next } = readElementAt(bytes, 0, what);
  if (next !== bytes.length) throw new KerberosFormatError(`${what}: ${bytes.length - next} bytes after the end of the DER element`);
  return element;
}

function readElementAt(bytes: Buffer, start: number, what: string): { element: DerElement; next: number } {
  let offset = start;
  const byte = (): number => {
    if (offset >= bytes.length) throw new KerberosFormatError(`${what}: DER element cut short at byte ${offset}`);
    return bytes[offset++];
  };
  const identifier = byte();
  let tagNumber = identifier & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let b = byte(), count = 0; ; b = byte(), count++) {
      if (count >= 4) throw new KerberosFormatError(`${what}: DER tag number too long`);
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
    }
  }
  let length = byte();
  if (length & 0x80) {
    const lengthBytes = length & 0x7f;
    if (lengthBytes === 0 || lengthBytes > 4) throw new KerberosFormatError(`${what}: unsupported DER length of ${lengthBytes} bytes`);
    length = 0;
    for (let i = 0; i < lengthBytes; i++) length = length * 256 + byte();
  }
  if (offset + length > bytes.length)
    throw new KerberosFormatError(`${what}: DER element of ${length} bytes runs past the end of its ${bytes.length - offset} bytes`);
  const element: DerElement = {
    tagClass: identifier >> 6,
    constructed: (identifier & 0x20) !== 0,
    tagNumber,
    content: bytes.subarray(offset, offset + length),
    encoded: bytes.subarray(start, offset + length),
  };
  return { element, next: offset + length };
}

/** `element`, checked to have the given class and number (and to be constructed where `constructed`). */
export function expectTag(element: DerElement, tagClass: number, tagNumber: number, what: string): DerElement {
  if (element.tagClass !== tagClass || element.tagNumber !== tagNumber)
    throw new KerberosFormatError(
      `${what}: expected ${className(tagClass)} tag ${tagNumber}, found ${className(element.tagClass)} tag ${element.tagNumber}`,
    );
  return element;
}

function className(tagClass: number): string {
  return ['UNIVERSAL', 'APPLICATION', 'context', 'PRIVATE'][tagClass] ?? String(tagClass);
}

/** The content of [APPLICATION n] wrapping a SEQUENCE, as the sequence's fields (see sequenceFields). */
export function applicationSequence(bytes: Buffer, application: number, what: string): SequenceFields {
  const outer = expectTag(readElement(bytes, what), TagClass.application, application, what);
  return sequenceFields(readElement(outer.content, what), what);
}

/** A SEQUENCE whose fields are explicitly tagged [0], [1]...: each field's inner element by tag number. */
export class SequenceFields {
  private readonly fields = new Map<number, DerElement>();

  constructor(
    sequence: DerElement,
    private readonly what: string,
  ) {
    expectTag(sequence, TagClass.universal, UniversalTag.sequence, what);
    for (const field of readElements(sequence.content, what)) {
      if (field.tagClass !== TagClass.context) throw new KerberosFormatError(`${what}: a field without a context tag`);
      this.fields.set(field.tagNumber, readElement(field.content, `${what} [${field.tagNumber}]`));
    }
  }

  /** Field [tag], or undefined when absent. */
  optional(tag: number): DerElement | undefined {
    return this.fields.get(tag);
  }

  /** Field [tag], or an error naming it. */
  required(tag: number, name: string): DerElement {
    const field = this.fields.get(tag);
    if (!field) throw new KerberosFormatError(`${this.what}: required field ${name} [${tag}] is missing`);
    return field;
  }
}

/** The fields of a SEQUENCE element. */
export function sequenceFields(element: DerElement, what: string): SequenceFields {
  return new SequenceFields(element, what);
}

/** The elements of a SEQUENCE OF. */
export function sequenceOf(element: DerElement, what: string): DerElement[] {
  return readElements(expectTag(element, TagClass.universal, UniversalTag.sequence, what).content, what);
}

/** An INTEGER that fits a JavaScript number exactly. */
export function readInteger(element: DerElement, what: string): number {
  const { content } = expectTag(element, TagClass.universal, UniversalTag.integer, what);
  if (content.length === 0 || content.length > 6) throw new KerberosFormatError(`${what}: INTEGER of ${content.length} bytes`);
  return content.readIntBE(0, content.length);
}

/** An OCTET STRING's bytes. */
export function readOctetString(element: DerElement, what: string): Buffer {
  return expectTag(element, TagClass.universal, UniversalTag.octetString, what).content;
}

/** A KerberosString (GeneralString, IA5 in practice; read as UTF-8 as MIT passes the bytes through). */
export function readKerberosString(element: DerElement, what: string): string {
  return expectTag(element, TagClass.universal, UniversalTag.generalString, what).content.toString('utf8');
}

/** A KerberosTime: GeneralizedTime as YYYYMMDDHHMMSSZ (RFC 4120 section 5.2.3: UTC, no fraction). */
export function readKerberosTime(element: DerElement, what: string): Date {
  const text = expectTag(element, TagClass.universal, UniversalTag.generalizedTime, what).content.toString('latin1');
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw new KerberosFormatError(`${what}: "${text}" is not a KerberosTime (YYYYMMDDHHMMSSZ)`);
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/** KerberosFlags: a BIT STRING of at least 32 bits, as a 32-bit number with bit 0 the most significant (MIT's TKT_FLG_*). */
export function readKerberosFlags(element: DerElement, what: string): number {
  const { content } = expectTag(element, TagClass.universal, UniversalTag.bitString, what);
  if (content.length < 1 || content[0] > 7) throw new KerberosFormatError(`${what}: malformed BIT STRING`);
  const bits = Buffer.alloc(4);
  content.subarray(1, 5).copy(bits);
  return bits.readUInt32BE(0);
}
