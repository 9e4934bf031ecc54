/**
 * Who Loom is on the cluster, from both configurations: Hadoop's `hadoop.security.authentication`
 * (simple or kerberos, core-site.xml) and Flink's login options `security.kerberos.login.keytab`,
 * `.principal` and `.use-ticket-cache` (loom.yaml or -D; commands without a loom.yaml, such as
 * `loom fs` and `loom yarn`, take them from -D). Undefined on a simple cluster.
 */
import type { Configuration } from '../conf/configuration.js';
import { ConfigurationError } from '../conf/configuration-error.js';
import type { LoomConfig } from '../conf/loom-config.js';
import { LoomOptions, type LoomOption } from '../conf/loom-config-options.js';
import type { KerberosIdentity } from '../wire/kerberos/identity/kerberos-identity.js';
import { kerberosIdentityFromSettings } from '../wire/kerberos/identity/kerberos-identity-from-settings.js';

export interface KerberosIdentityFromConfOptions {
  /** Loom's configuration; without it the login options are read from the Hadoop configuration (-D). */
  loomConf?: LoomConfig;
  env?: NodeJS.ProcessEnv;
  /** The machine's clock (tests move it). */
  localNow?: () => Date;
}

export function kerberosIdentityFromConf(
  hadoopConf: Configuration,
  opts: KerberosIdentityFromConfOptions = {},
): KerberosIdentity | undefined {
  const read = <T>(option: LoomOption<T>): T => {
    if (opts.loomConf) return opts.loomConf.get(option);
    const text = hadoopConf.getTrimmed(option.key);
    return text === undefined ? option.defaultValue : option.parse(text, '-D');
  };
  return kerberosIdentityFromSettings(
    {
      authentication: hadoopConf.getTrimmed('hadoop.security.authentication'),
      keytab: read(LoomOptions.kerberosKeytab),
      principal: read(LoomOptions.kerberosPrincipal),
      useTicketCache: read(LoomOptions.kerberosUseTicketCache),
    },
    { ...(opts.env ? { env: opts.env } : {}), ...(opts.localNow ? { localNow: opts.localNow } : {}) },
  );
}

/**
 * The ResourceManager's principal for a Kerberos connection (`yarn.resourcemanager.principal`, `_HOST`
 * left for the IPC client to replace with the host it connects to, as Hadoop's SaslRpcClient does).
 */
export function resourceManagerPrincipal(hadoopConf: Configuration): string {
  const principal = hadoopConf.getTrimmed('yarn.resourcemanager.principal');
  if (principal === undefined)
    throw new ConfigurationError(
      'hadoop.security.authentication is kerberos but yarn.resourcemanager.principal is not set; set it in yarn-site.xml as the cluster has it (e.g. rm/_HOST@REALM)',
      'yarn.resourcemanager.principal',
    );
  return principal;
}
