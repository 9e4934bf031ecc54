import { type DerElement, readInteger, readKerberosString, readOctetString, sequenceFields, sequenceOf } from '../asn1/der-reader.js';
import { derExplicit, derInteger, derKerberosString, derOctetString, derSequence } from '../asn1/der-writer.js';

/** PrincipalName (RFC 4120 section 5.2.2): a name type and its components (`HTTP`, `host.example.com`). */
export interface PrincipalName {
  readonly nameType: number;
  readonly nameString: readonly string[];
}

/** EncryptedData (section 5.2.9): ciphertext, its etype and the key's version number. */
export interface EncryptedData {
  readonly etype: number;
  readonly kvno?: number | undefined;
  readonly cipher: Buffer;
}

/** EncryptionKey (section 5.2.9). */
export interface EncryptionKey {
  readonly keyType: number;
  readonly keyValue: Buffer;
}

/** Checksum (section 5.2.9). */
export interface Checksum {
  readonly checksumType: number;
  readonly checksum: Buffer;
}

/** PA-DATA (section 5.2.7): one pre-authentication element. */
export interface PaData {
  readonly type: number;
  readonly value: Buffer;
}

/** `principal@REALM` as people write it ("/" between components). */
export function principalText(name: PrincipalName, realm?: string): string {
  const base = name.nameString.join('/');
  return realm === undefined ? base : `${base}@${realm}`;
}

export function encodePrincipalName(name: PrincipalName): Buffer {
  return derSequence([derExplicit(0, derInteger(name.nameType)), derExplicit(1, derSequence(name.nameString.map(derKerberosString)))]);
}

export function decodePrincipalName(element: DerElement, what: string): PrincipalName {
  const f = sequenceFields(element, what);
  return {
    nameType: readInteger(f.required(0, 'name-type'), what),
    nameString: sequenceOf(f.required(1, 'name-string'), what).map((e) => readKerberosString(e, what)),
  };
}

export function encodeEncryptedData(data: EncryptedData): Buffer {
  return derSequence([
    derExplicit(0, derInteger(data.etype)),
    derExplicit(1, data.kvno === undefined ? undefined : derInteger(data.kvno)),
    derExplicit(2, derOctetString(data.cipher)),
  ]);
}

export function decodeEncryptedData(element: DerElement, what: string): EncryptedData {
  const f = sequenceFields(element, what);
  const kvno = f.optional(1);
  return {
    etype: readInteger(f.required(0, 'etype'), what),
    kvno: kvno && readInteger(kvno, what),
    cipher: readOctetString(f.required(2, 'cipher'), what),
  };
}

export function encodeEncryptionKey(key: EncryptionKey): Buffer {
  return derSequence([derExplicit(0, derInteger(key.keyType)), derExplicit(1, derOctetString(key.keyValue))]);
}

export function decodeEncryptionKey(element: DerElement, what: string): EncryptionKey {
  const f = sequenceFields(element, what);
  return { keyType: readInteger(f.required(0, 'keytype'), what), keyValue: readOctetString(f.required(1, 'keyvalue'), what) };
}

export function encodeChecksum(checksum: Checksum): Buffer {
  return derSequence([derExplicit(0, derInteger(checksum.checksumType)), derExplicit(1, derOctetString(checksum.checksum))]);
}

export function decodeChecksum(element: DerElement, what: string): Checksum {
  const f = sequenceFields(element, what);
  return { checksumType: readInteger(f.required(0, 'cksumtype'), what), checksum: readOctetString(f.required(1, 'checksum'), what) };
}

export function encodePaData(pa: PaData): Buffer {
  return derSequence([derExplicit(1, derInteger(pa.type)), derExplicit(2, derOctetString(pa.value))]);
}

export function decodePaData(element: DerElement, what: string): PaData {
  const f = sequenceFields(element, what);
  return { type: readInteger(f.required(1, 'padata-type'), what), value: readOctetString(f.required(2, 'padata-value'), what) };
}

/** METHOD-DATA / SEQUENCE OF PA-DATA. */
export function decodePaDataList(element: DerElement, what: string): PaData[] {
  return sequenceOf(element, what).map((e) => decodePaData(e, what));
}
