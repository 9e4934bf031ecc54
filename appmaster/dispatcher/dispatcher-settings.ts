import { hostname } from 'node:os';
import { isWildcardHost } from '../../client/conf/hadoop-address.js';
import { LoomOptions, type LoomConfig } from '../../client/conf/loom-config.js';

/**
 * Where and how the AM's dispatcher listens, from Loom's configuration and the container's
 * environment: it binds to `rest.bind-address` if set, else the container's host (NM_HOST), and
 * advertises NM_HOST (the address YARN and clients know the node by). 127.0.0.1 only when there is
 * no NM_HOST, i.e. outside a container.
 */
export interface DispatcherSettings {
  host: string;
  port: number;
  /** The host to register with the RM (application report host, tracking URL). */
  advertisedHost: string;
  maxBodyBytes: number;
  refreshIntervalMs: number;
}

export function dispatcherSettings(config: LoomConfig, env: Record<string, string | undefined> = process.env): DispatcherSettings {
  const nmHost = env.NM_HOST && env.NM_HOST.trim() !== '' ? env.NM_HOST.trim() : undefined;
  const host = config.get(LoomOptions.restBindAddress) ?? nmHost ?? '127.0.0.1';
  return {
    host,
    port: config.get(LoomOptions.restPort),
    advertisedHost: nmHost ?? (isWildcardHost(host) ? hostname() : host),
    maxBodyBytes: config.get(LoomOptions.restMaxContentLength).bytes,
    refreshIntervalMs: config.get(LoomOptions.webRefreshInterval),
  };
}
