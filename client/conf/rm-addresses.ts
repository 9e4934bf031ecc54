import type { Configuration } from './configuration.js';
import { ConfigurationError } from './configuration-error.js';
import { parseHadoopAddress } from './hadoop-address.js';

export type RmAddressKind = 'client' | 'scheduler' | 'webapp' | 'admin';

export interface RmAddress {
  host: string;
  port: number;
  /** The RM HA id (`rm1`) the address belongs to; absent without HA. */
  rmId?: string;
  /** For `webapp` only: https when yarn.http.policy is HTTPS_ONLY. */
  scheme?: 'http' | 'https';
}

/** Address key and Hadoop's default port per kind (YarnConfiguration.DEFAULT_RM_*_PORT). */
const ADDRESS_KEYS: Record<RmAddressKind | 'webapp-https', { key: string; defaultPort: number }> = {
  client: { key: 'yarn.resourcemanager.address', defaultPort: 8032 },
  scheduler: { key: 'yarn.resourcemanager.scheduler.address', defaultPort: 8030 },
  webapp: { key: 'yarn.resourcemanager.webapp.address', defaultPort: 8088 },
  'webapp-https': { key: 'yarn.resourcemanager.webapp.https.address', defaultPort: 8090 },
  admin: { key: 'yarn.resourcemanager.admin.address', defaultPort: 8033 },
};

/**
 * The ResourceManager address(es) of one service, in failover order: one entry without HA, one per
 * id of `yarn.resourcemanager.ha.rm-ids` with HA (per-id address key, else
 * `yarn.resourcemanager.hostname.<id>` with the default port).
 */
export function resourceManagerAddresses(conf: Configuration, kind: RmAddressKind): RmAddress[] {
  const https = kind === 'webapp' && (conf.getTrimmed('yarn.http.policy') ?? 'HTTP_ONLY').toUpperCase() === 'HTTPS_ONLY';
  const { key, defaultPort } = ADDRESS_KEYS[https ? 'webapp-https' : kind];
  const scheme = kind === 'webapp' ? { scheme: https ? ('https' as const) : ('http' as const) } : {};

  if (!conf.getBoolean('yarn.resourcemanager.ha.enabled', false)) {
    const value = conf.getTrimmed(key);
    // Only reached when the key was unset from code: fall back to the hostname, as the defaults do.
    if (value === undefined)
      return [{ ...parseHadoopAddress(conf.getTrimmed('yarn.resourcemanager.hostname') ?? '0.0.0.0', defaultPort), ...scheme }];
    return [{ ...parseHadoopAddress(value, defaultPort, key), ...scheme }];
  }

  const rmIds = conf.getTrimmedStrings('yarn.resourcemanager.ha.rm-ids');
  if (rmIds.length === 0) {
    throw new ConfigurationError(
      'yarn.resourcemanager.ha.enabled is true but yarn.resourcemanager.ha.rm-ids is not set: ' +
        `list the ResourceManager ids (e.g. rm1,rm2) and give each a ${key}.<id> or yarn.resourcemanager.hostname.<id>` +
        sourceHint(conf),
      'yarn.resourcemanager.ha.rm-ids',
    );
  }
  return rmIds.map((rmId) => {
    const idKey = `${key}.${rmId}`;
    const explicit = conf.getTrimmed(idKey);
    if (explicit !== undefined) return { ...parseHadoopAddress(explicit, defaultPort, idKey), rmId, ...scheme };
    const hostKey = `yarn.resourcemanager.hostname.${rmId}`;
    const host = conf.getTrimmed(hostKey);
    if (host === undefined) {
      throw new ConfigurationError(
        `ResourceManager ${rmId} (listed in yarn.resourcemanager.ha.rm-ids) has no address: set ${idKey} or ${hostKey}` + sourceHint(conf),
        idKey,
      );
    }
    return { ...parseHadoopAddress(host, defaultPort, hostKey), rmId, ...scheme };
  });
}

function sourceHint(conf: Configuration): string {
  return conf.confDir ? ` (configuration read from ${conf.confDir})` : '';
}
