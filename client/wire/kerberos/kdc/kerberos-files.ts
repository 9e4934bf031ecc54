import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeCredentialCache, encodeCredentialCache, type CredentialCache } from '../files/credential-cache.js';
import { decodeKeytab, type KeytabEntry } from '../files/keytab.js';
import { parseKrb5Conf, type Krb5Config } from '../files/krb5-conf.js';
import { KerberosConfigurationError, KerberosFormatError } from '../kerberos-errors.js';

/** The krb5.conf files to read: `KRB5_CONFIG` (a colon-separated list, as MIT reads it) or /etc/krb5.conf. */
export function krb5ConfigPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KRB5_CONFIG || '/etc/krb5.conf').split(':').filter((p) => p !== '');
}

/** krb5.conf from `KRB5_CONFIG` or /etc/krb5.conf (the first file that exists, as Loom does not merge several yet). */
export function loadKrb5Config(env: NodeJS.ProcessEnv = process.env): Krb5Config {
  const paths = krb5ConfigPaths(env);
  for (const path of paths) {
    const text = readIfPresent(path);
    if (text !== undefined) return parseKrb5Conf(text, path);
  }
  throw new KerberosConfigurationError(
    `no krb5.conf: ${paths.join(', ')} ${paths.length > 1 ? 'do' : 'does'} not exist; set KRB5_CONFIG to your realm's krb5.conf (the one kinit uses)`,
  );
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
