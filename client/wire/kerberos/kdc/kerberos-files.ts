import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { decodeCredentialCache, encodeCredentialCache, type CredentialCache } from '../files/credential-cache.js';
import { decodeKeytab, type KeytabEntry } from '../files/keytab.js';
import { parseKrb5Files, type Krb5Config } from '../files/krb5-conf.js';
import { KerberosConfigurationError, KerberosFormatError } from '../kerberos-errors.js';

/** The krb5.conf files to read: `KRB5_CONFIG` (a colon-separated list, as MIT reads it) or /etc/krb5.conf. */
export function krb5ConfigPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KRB5_CONFIG || '/etc/krb5.conf').split(':').filter((p) => p !== '');
}

/**
 * krb5.conf as MIT reads it: every file of `KRB5_CONFIG` (or /etc/krb5.conf) that exists, the first
 * one's values first, with their `include` and `includedir` lines followed.
 */
export function loadKrb5Config(env: NodeJS.ProcessEnv = process.env): Krb5Config {
  const paths = krb5ConfigPaths(env);
  const files = paths.flatMap((path) => {
    const text = readIfPresent(path);
    return text === undefined ? [] : [{ text, source: path }];
  });
  if (files.length === 0)
    throw new KerberosConfigurationError(
      `no krb5.conf: ${paths.join(', ')} ${paths.length > 1 ? 'do' : 'does'} not exist; set KRB5_CONFIG to your realm's krb5.conf (the one kinit uses)`,
    );
  return parseKrb5Files(files, readKrb5Include);
}

/**
 * krb5.conf(5): `include FILE` reads that file; `includedir DIR` reads the files of DIR whose
 * names are letters, digits, dashes and underscores only, or end in ".conf" without a leading dot,
 * in name order. Both must name an absolute path that exists.
 */
export function readKrb5Include(directive: 'include' | 'includedir', path: string, where: string): { text: string; source: string }[] {
  if (!isAbsolute(path)) throw new KerberosConfigurationError(`${where}: ${directive} ${path}: the path must be absolute`);
  try {
    if (directive === 'include') return [{ text: readFileSync(path, 'utf8'), source: path }];
    return readdirSync(path)
      .filter((name) => /^[A-Za-z0-9_-]+$/.test(name) || (name.endsWith('.conf') && !name.startsWith('.')))
      .sort()
      .map((name) => join(path, name))
      .filter((file) => statSync(file).isFile())
      .map((file) => ({ text: readFileSync(file, 'utf8'), source: file }));
  } catch (err) {
    throw new KerberosConfigurationError(`${where}: ${directive} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The FILE credential cache path: `KRB5CCNAME` (FILE:path or a bare path) or MIT's default
 * /tmp/krb5cc_<uid>. Other cache types (DIR:, KEYRING:, KCM:, MEMORY:, API:) are refused by name.
 */
export function credentialCachePath(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.KRB5CCNAME;
  if (!name) return `/tmp/krb5cc_${process.getuid?.() ?? 0}`;
  const type = /^([A-Za-z]+):(.*)$/.exec(name);
  if (!type) return name;
  if (type[1].toUpperCase() === 'FILE') return type[2];
  throw new KerberosConfigurationError(
    `KRB5CCNAME=${name}: Loom reads only FILE credential caches, not ${type[1]}; run kinit -c FILE:/tmp/krb5cc_$(id -u) and set KRB5CCNAME to that`,
  );
}

/** The credential cache at `path`, or an error saying to run kinit. */
export function readCredentialCache(path: string): CredentialCache {
  const bytes = readBytesIfPresent(path);
  if (bytes === undefined)
    throw new KerberosConfigurationError(`no Kerberos ticket cache at ${path}; log in with kinit (or set KRB5CCNAME)`);
  return withFile(path, () => decodeCredentialCache(bytes));
}

/** The credential cache at `path`, or undefined when there is no file. */
export function readCredentialCacheIfPresent(path: string): CredentialCache | undefined {
  const bytes = readBytesIfPresent(path);
  return bytes === undefined ? undefined : withFile(path, () => decodeCredentialCache(bytes));
}

/** Writes `cache` to `path` with mode 0600, whole or not at all (a temporary file renamed over it). */
export function writeCredentialCache(path: string, cache: CredentialCache): void {
  const temporary = join(dirname(path), `.${process.pid}.${Date.now()}.loom-ccache`);
  writeFileSync(temporary, encodeCredentialCache(cache), { mode: 0o600 });
  renameSync(temporary, path);
}

/** The entries of the keytab at `path`. */
export function readKeytab(path: string): KeytabEntry[] {
  const bytes = readBytesIfPresent(path);
  if (bytes === undefined)
    throw new KerberosConfigurationError(`keytab ${path} does not exist; give the path of the principal's keytab (kadmin ktadd -k)`);
  return withFile(path, () => decodeKeytab(bytes));
}

function readIfPresent(path: string): string | undefined {
  return readBytesIfPresent(path)?.toString('utf8');
}

function readBytesIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KerberosConfigurationError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function withFile<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    // The path leads the message, so a person knows which file is damaged.
    if (err instanceof KerberosFormatError) throw new KerberosFormatError(`${path}: ${err.message}`, { cause: err });
    throw err;
  }
}
