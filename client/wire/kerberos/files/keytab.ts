import { KerberosFormatError } from '../kerberos-errors.js';
import type { PrincipalName } from '../messages/kerberos-types.js';
import { ByteCursor, ByteWriter } from './byte-cursor.js';

/** One key of a keytab: a principal's key for one etype and key version. */
export interface KeytabEntry {
  readonly realm: string;
  readonly principal: PrincipalName;
  /** Seconds since the epoch when the key was written. */
  readonly timestamp: number;
  /** The key version number: the 32-bit field at the end of the entry when present and non-zero, else the 8-bit one. */
  readonly kvno: number;
  readonly enctype: number;
  readonly key: Buffer;
}

/** MIT's keytab version 2 (big-endian), the one ktutil and kadmin write. */
const KEYTAB_V2 = 0x0502;

/**
 * MIT's FILE keytab (MIT krb5 doc "keytab file format"): 0x0502, then records each led by a
 * signed 32-bit size (negative: a hole left by a deleted entry, skipped): principal (component
 * count, realm, components, name type), timestamp, 8-bit kvno, enctype, key, and optionally a
 * 32-bit kvno that supersedes the 8-bit one.
 */
export function decodeKeytab(bytes: Buffer): KeytabEntry[] {
  const what = 'keytab';
  const file = new ByteCursor(bytes, what);
  const version = file.u16();
  if (version === 0x0501)
    throw new KerberosFormatError('keytab: version 0x0501 (native byte order) is not supported; rewrite it with ktutil');
  if (version !== KEYTAB_V2)
    throw new KerberosFormatError(`keytab: not an MIT keytab (version 0x${version.toString(16)}, expected 0x0502)`);
  const entries: KeytabEntry[] = [];
  while (file.remaining > 0) {
    const size = file.i32();
    if (size < 0) {
      file.bytesOf(-size);
      continue;
    }
    if (size === 0) break;
    const record = new ByteCursor(file.bytesOf(size), what);
    const components = record.u16();
    const realm = record.data16().toString('utf8');
    const nameString: string[] = [];
    for (let i = 0; i < components; i++) nameString.push(record.data16().toString('utf8'));
    const nameType = record.u32();
    const timestamp = record.u32();
    const kvno8 = record.u8();
    const enctype = record.u16();
    const key = record.data16();
    const kvno32 = record.remaining >= 4 ? record.u32() : 0;
    entries.push({ realm, principal: { nameType, nameString }, timestamp, kvno: kvno32 || kvno8, enctype, key });
  }
  return entries;
}

/** A version 2 keytab of `entries` (kvno written in both fields, as MIT does). */
export function encodeKeytab(entries: readonly KeytabEntry[]): Buffer {
  const out = new ByteWriter().u16(KEYTAB_V2);
  for (const e of entries) {
    const record = new ByteWriter().u16(e.principal.nameString.length).data16(Buffer.from(e.realm));
    for (const c of e.principal.nameString) record.data16(Buffer.from(c));
    record
      .u32(e.principal.nameType)
      .u32(e.timestamp)
      .u8(e.kvno & 0xff)
      .u16(e.enctype)
      .data16(e.key)
      .u32(e.kvno);
    const bytes = record.toBuffer();
    out.i32(bytes.length).raw(bytes);
  }
  return out.toBuffer();
}
