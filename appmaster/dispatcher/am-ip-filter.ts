import { lookup } from 'node:dns/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { hostname } from 'node:os';
import { resourceManagerAddresses } from '../../client/conf/rm-addresses.js';
import type { Configuration } from '../../client/conf/configuration.js';
import { isWildcardHost, parseHadoopAddress } from '../../client/conf/hadoop-address.js';

/**
 * Who counts as YARN's web proxy, decided as Hadoop's AmIpFilter decides: a request whose remote
 * address is one of the proxy hosts' resolved addresses came through the proxy. Everyone else is
 * sent (302) to the proxy URI base plus the request URI, with `/redirect` inserted after `/proxy`
 * so the RM knows it is a redirect. Resolved addresses are refreshed every 5 minutes, as Hadoop
 * does.
 */
export interface AmIpFilterSettings {
  /** Host names or addresses of the proxy (Hadoop's PROXY_HOSTS). */
  proxyHosts: string[];
  /** `http://rm:8088/proxy/<appId>`, one per proxy (Hadoop's PROXY_URI_BASES); empty outside YARN. */
  proxyUriBases: string[];
}

export interface AmIpFilterOptions {
  /** Resolve a host to its addresses (tests substitute one). */
  resolve?: (host: string) => Promise<string[]>;
  /** Among several bases (RM HA): is this one the active RM's? Default: it answers GET with 200. */
  isActive?: (url: string) => Promise<boolean>;
  now?: () => number;
  refreshMs?: number;
  log?: (line: string) => void;
}

const PROXY_PATH = '/proxy';

export class AmIpFilter {
  private addresses: Set<string> | undefined;
  private resolvedAt = 0;
  private pending: Promise<Set<string>> | undefined;

  constructor(
    readonly settings: AmIpFilterSettings,
    private readonly opts: AmIpFilterOptions = {},
  ) {}

  /** Did this request come from the web proxy? (Remote address among the proxy hosts' addresses.) */
  async isFromProxy(remoteAddress: string | undefined): Promise<boolean> {
    if (!remoteAddress) return false;
    const addresses = await this.proxyAddresses();
    return addresses.has(normalizeAddress(remoteAddress));
  }

  /**
   * Where AmIpFilter sends a request that did not come through the proxy: the proxy URI base plus
   * the request URI, `/redirect` inserted after `/proxy`. Undefined when there is no proxy to send
   * it to (not running on YARN, or no RM answers).
   */
  async redirectTarget(requestUri: string): Promise<string | undefined> {
    const base = await this.activeBase();
    if (base === undefined) return undefined;
    const url = base + requestUri;
    const at = url.indexOf(PROXY_PATH);
    return at < 0 ? url : url.slice(0, at + PROXY_PATH.length) + '/redirect' + url.slice(at + PROXY_PATH.length);
  }

  private async activeBase(): Promise<string | undefined> {
    const bases = this.settings.proxyUriBases;
    if (bases.length <= 1) return bases[0];
    const isActive = this.opts.isActive ?? answersOk;
    for (const base of bases) if (await isActive(base).catch(() => false)) return base;
    return undefined;
  }

  private async proxyAddresses(): Promise<Set<string>> {
    const now = (this.opts.now ?? Date.now)();
    if (this.addresses && now - this.resolvedAt < (this.opts.refreshMs ?? 5 * 60_000)) return this.addresses;
    this.pending ??= this.resolveAll().finally(() => (this.pending = undefined));
    const fresh = await this.pending;
    this.addresses = fresh;
    this.resolvedAt = now;
    return fresh;
  }

  private async resolveAll(): Promise<Set<string>> {
    const resolve = this.opts.resolve ?? resolveHost;
    const out = new Set<string>();
    for (const host of this.settings.proxyHosts) {
      try {
        for (const a of await resolve(host)) out.add(normalizeAddress(a));
      } catch (err) {
        this.opts.log?.(
          `dispatcher: cannot resolve the web proxy host ${host} (${(err as Error).message}); requests from it will not be recognised`,
        );
      }
    }
    if (out.size === 0 && this.settings.proxyHosts.length) {
      this.opts.log?.(
        `dispatcher: none of the web proxy hosts (${this.settings.proxyHosts.join(', ')}) resolved; the dashboard is reachable only with the cluster secret`,
      );
    }
    return out;
  }
}

/**
 * The filter's settings from the Hadoop configuration and the AM's environment, as Hadoop's
 * AmFilterInitializer builds them: `yarn.web-proxy.address` if set, else every RM web address
 * (one per HA id); the base path from APPLICATION_WEB_PROXY_BASE (set by the RM for AMs only).
 * A wildcard host means this machine (Hadoop uses the local host name there; for a loopback
 * address it does too, but we keep the configured name, which is what reaches the mini cluster).
 */
export function amIpFilterSettings(conf: Configuration, env: Record<string, string | undefined> = process.env): AmIpFilterSettings {
  const https = (conf.getTrimmed('yarn.http.policy') ?? 'HTTP_ONLY').toUpperCase() === 'HTTPS_ONLY';
  const proxyAddress = conf.getTrimmed('yarn.web-proxy.address');
  const proxies =
    proxyAddress !== undefined && proxyAddress !== ''
      ? [parseHadoopAddress(proxyAddress, https ? 8090 : 8088, 'yarn.web-proxy.address')]
      : resourceManagerAddresses(conf, 'webapp');
  const hostPorts = proxies.map(({ host, port }) => ({ host: isWildcardHost(host) ? hostname() : host, port }));
  const base = env.APPLICATION_WEB_PROXY_BASE;
  const scheme = https ? 'https' : 'http';
  const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h);
  return {
    proxyHosts: hostPorts.map((p) => p.host),
    proxyUriBases: base ? hostPorts.map((p) => `${scheme}://${bracket(p.host)}:${p.port}${base}`) : [],
  };
}

/** `::ffff:127.0.0.1` (IPv4 on a dual-stack socket) is 127.0.0.1. */
function normalizeAddress(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').toLowerCase();
}

async function resolveHost(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((a) => a.address);
}

/**
 * node:http, not fetch: fetch's WebAssembly HTTP parser reserves about 10 GiB of virtual memory,
 * which YARN's virtual memory check (on by default, 2.1 x the container) would kill the AM for.
 */
function answersOk(url: string): Promise<boolean> {
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  return new Promise((resolve) => {
    const req = get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', () => resolve(false));
  });
}
