import { KerberosFormatError } from '../kerberos-errors.js';
import type { PrincipalName } from '../messages/kerberos-types.js';
import { ByteCursor, ByteWriter } from './byte-cursor.js';

/** A principal as a credential cache stores it. */
export interface CachePrincipal {
  readonly realm: string;
  readonly name: PrincipalName;
}

/** One credential of a cache: a ticket, its session key and times (seconds since the epoch, as MIT stores them). */
export interface CachedCredential {
  readonly client: CachePrincipal;
  readonly server: CachePrincipal;
  readonly keyType: number;
  readonly key: Buffer;
  readonly authTime: number;
  readonly startTime: number;
  readonly endTime: number;
  readonly renewTill: number;
  readonly isSessionKeyTicket: boolean;
  /** TicketFlags, bit 0 the most significant (MIT's TKT_FLG_*). */
  readonly flags: number;
  readonly addresses: readonly { type: number; address: Buffer }[];
  readonly authData: readonly { type: number; data: Buffer }[];
  /** The Ticket's DER bytes. */
  readonly ticket: Buffer;
  readonly secondTicket: Buffer;
}

/** An MIT FILE credential cache. */
export interface CredentialCache {
  /** The client the cache belongs to. */
  readonly defaultPrincipal: CachePrincipal;
  /** Header tag 1: the KDC's clock minus ours, kept by kinit so later requests use the KDC's time. */
  readonly timeOffset?: { seconds: number; microseconds: number } | undefined;
  readonly credentials: readonly CachedCredential[];
}

/** MIT's realm for the configuration entries kinit writes among the credentials ("X-CACHECONF:"). */
export const CACHE_CONFIG_REALM = 'X-CACHECONF:';
const CCACHE_V4 = 0x0504;
const HEADER_TAG_TIME_OFFSET = 1;

/**
 * MIT's FILE ccache, version 4 (MIT krb5 doc "ccache file format"; versions 1 and 2 are from the
 * last century, 3 differs only by a doubled enctype and no header): 0x0504, a tagged header, the
 * default principal, then credentials to the end of the file. Configuration entries (realm
 * X-CACHECONF:) are kept; `isConfigEntry` tells them apart.
 */
export function decodeCredentialCache(bytes: Buffer): CredentialCache {
  const file = new ByteCursor(bytes, 'credential cache');
  const version = file.u16();
  if (version !== CCACHE_V4 && version !== 0x0503)
    throw new KerberosFormatError(
      `credential cache: version 0x${version.toString(16)} is not supported (Loom reads MIT FILE caches 0x0503 and 0x0504)`,
    );
  let timeOffset: CredentialCache['timeOffset'];
  if (version === CCACHE_V4) {
    const header = new ByteCursor(file.bytesOf(file.u16()), 'credential cache header');
    while (header.remaining > 0) {
      const tag = header.u16();
      const value = new ByteCursor(header.data16(), 'credential cache header');
      if (tag === HEADER_TAG_TIME_OFFSET) timeOffset = { seconds: value.i32(), microseconds: value.i32() };
    }
  }
  const defaultPrincipal = readPrincipal(file);
  const credentials: CachedCredential[] = [];
  while (file.remaining > 0) {
    const client = readPrincipal(file);
    const server = readPrincipal(file);
    const keyType = file.u16();
    if (version === 0x0503) file.u16();
    const key = file.data32();
    const authTime = file.u32();
    const startTime = file.u32();
    const endTime = file.u32();
    const renewTill = file.u32();
    const isSessionKeyTicket = file.u8() !== 0;
    const flags = file.u32();
    const addresses = counted(file, () => ({ type: file.u16(), address: file.data32() }));
    const authData = counted(file, () => ({ type: file.u16(), data: file.data32() }));
    const ticket = file.data32();
    const secondTicket = file.data32();
    credentials.push({
      client,
      server,
      keyType,
      key,
      authTime,
      startTime,
      endTime,
      renewTill,
      isSessionKeyTicket,
      flags,
      addresses,
      authData,
      ticket,
      secondTicket,
    });
  }
  return { defaultPrincipal, timeOffset, credentials };
}

function counted<T>(file: ByteCursor, read: () => T): T[] {
  const count = file.u32();
  if (count > file.remaining) throw new KerberosFormatError(`credential cache: a count of ${count} with ${file.remaining} bytes left`);
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(read());
  return out;
}

function readPrincipal(file: ByteCursor): CachePrincipal {
  const nameType = file.u32();
  const components = file.u32();
  const realm = file.data32().toString('utf8');
  if (components > file.remaining) throw new KerberosFormatError(`credential cache: a principal of ${components} components`);
  const nameString: string[] = [];
  for (let i = 0; i < components; i++) nameString.push(file.data32().toString('utf8'));
  return { realm, name: { nameType, nameString } };
}

/** Whether `credential` is one of MIT's configuration entries rather than a ticket. */
export function isConfigEntry(credential: CachedCredential): boolean {
  return credential.server.realm === CACHE_CONFIG_REALM;
}

/** A version 4 cache, as `kinit` writes it (`klist` reads it). */
export function encodeCredentialCache(cache: CredentialCache): Buffer {
  const header = new ByteWriter();
  if (cache.timeOffset) {
    const offset = new ByteWriter().i32(cache.timeOffset.seconds).i32(cache.timeOffset.microseconds).toBuffer();
    header.u16(HEADER_TAG_TIME_OFFSET).data16(offset);
  }
  const out = new ByteWriter().u16(CCACHE_V4).data16(header.toBuffer());
  writePrincipal(out, cache.defaultPrincipal);
  for (const c of cache.credentials) {
    writePrincipal(out, c.client);
    writePrincipal(out, c.server);
    out.u16(c.keyType).data32(c.key).u32(c.authTime).u32(c.startTime).u32(c.endTime).u32(c.renewTill);
    out.u8(c.isSessionKeyTicket ? 1 : 0).u32(c.flags);
    out.u32(c.addresses.length);
    for (const a of c.addresses) out.u16(a.type).data32(a.address);
    out.u32(c.authData.length);
    for (const a of c.authData) out.u16(a.type).data32(a.data);
    out.data32(c.ticket).data32(c.secondTicket);
  }
  return out.toBuffer();
}

function writePrincipal(out: ByteWriter, p: CachePrincipal): void {
  out.u32(p.name.nameType).u32(p.name.nameString.length).data32(Buffer.from(p.realm));
  for (const c of p.name.nameString) out.data32(Buffer.from(c));
}
