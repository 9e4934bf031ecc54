import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KerberosConfigurationError } from '../kerberos-errors.js';
import { credentialCachePath, krb5ConfigPaths, loadKrb5Config } from '../kdc/kerberos-files.js';
import { localCanonicalHostName, replaceHostPattern } from './host-pattern.js';
import type { KerberosIdentity } from './kerberos-identity.js';
import { KeytabIdentity } from './keytab-identity.js';
import { TicketCacheIdentity } from './ticket-cache-identity.js';

/** The settings that decide how Loom logs in: Hadoop's switch and Flink's three login options. */
export interface KerberosLoginSettings {
  /** hadoop.security.authentication from the Hadoop configuration: simple (the default) or kerberos. */
  readonly authentication: string | undefined;
  /** security.kerberos.login.keytab */
  readonly keytab?: string | undefined;
  /** security.kerberos.login.principal (`_HOST` allowed) */
  readonly principal?: string | undefined;
  /** security.kerberos.login.use-ticket-cache (Flink's default: true) */
  readonly useTicketCache: boolean;
}

export interface KerberosIdentityEnvironment {
  readonly env?: NodeJS.ProcessEnv;
  /** The machine's clock (tests move it). */
  readonly localNow?: () => Date;
  /** What `_HOST` in the principal becomes; this machine's canonical name unless given. */
  readonly hostName?: string;
  /** Where a keytab login's credential cache goes; a per-user, per-principal file in the temporary directory unless given. */
  readonly keytabCachePath?: string;
}

const identities = new Map<string, KerberosIdentity>();

/**
 * Who Loom is, from the settings, as Flink's KerberosLoginProvider decides it: nobody on a
 * `simple` cluster (undefined); on a `kerberos` one, a keytab login when
 * security.kerberos.login.keytab is set (with its principal), else kinit's ticket cache when
 * use-ticket-cache allows it. Whatever is missing (krb5.conf, the cache, a valid TGT, the keytab or
 * its principal) is one KerberosConfigurationError line saying what to do. Identities are shared
 * within the process, so every client of one person uses the same tickets.
 */
export function kerberosIdentityFromSettings(
  settings: KerberosLoginSettings,
  environment: KerberosIdentityEnvironment = {},
): KerberosIdentity | undefined {
  const method = (settings.authentication ?? 'simple').trim().toLowerCase();
  if (method === 'simple') return undefined;
  if (method !== 'kerberos')
    throw new KerberosConfigurationError(
      `hadoop.security.authentication = ${settings.authentication ?? ''}: Loom knows simple and kerberos; set one of them in core-site.xml`,
    );
  const env = environment.env ?? process.env;
  const config = loadKrb5Config(env);
  if (settings.keytab !== undefined) {
    if (settings.principal === undefined)
      throw new KerberosConfigurationError(
        `security.kerberos.login.keytab is set (${settings.keytab}) but security.kerberos.login.principal is not; set it to the keytab's principal (klist -kt ${settings.keytab} lists them)`,
      );
    const principal = replaceHostPattern(settings.principal, environment.hostName ?? localCanonicalHostName());
    const cachePath =
      environment.keytabCachePath ?? join(tmpdir(), `krb5cc_loom_${process.getuid?.() ?? 0}_${principal.replace(/[^A-Za-z0-9.@-]/g, '_')}`);
    return shared(`keytab|${krb5ConfigPaths(env).join(':')}|${settings.keytab}|${principal}|${cachePath}`, environment, () => {
      return new KeytabIdentity({
        keytabPath: settings.keytab ?? '',
        principal,
        config,
        cachePath,
        ...(environment.localNow ? { localNow: environment.localNow } : {}),
      });
    });
  }
  if (!settings.useTicketCache)
    throw new KerberosConfigurationError(
      'hadoop.security.authentication is kerberos, but security.kerberos.login.use-ticket-cache is false and security.kerberos.login.keytab is not set; set the keytab and principal, or allow the ticket cache (run kinit)',
    );
  const path = credentialCachePath(env);
  return shared(`cache|${krb5ConfigPaths(env).join(':')}|${path}`, environment, () =>
    TicketCacheIdentity.open({
      path,
      config,
      expectedPrincipal: settings.principal,
      ...(environment.localNow ? { localNow: environment.localNow } : {}),
    }),
  );
}

/** One identity per key in the process; tests that move the clock get their own. */
function shared(key: string, environment: KerberosIdentityEnvironment, make: () => KerberosIdentity): KerberosIdentity {
  if (environment.localNow) return make();
  const known = identities.get(key);
  if (known) return known;
  const made = make();
  identities.set(key, made);
  return made;
}
