import type { Configuration } from './configuration.js';
import { ConfigurationError } from './configuration-error.js';
import { isWildcardHost, parseHadoopAddress } from './hadoop-address.js';

export { parseHadoopAddress, type HostPort } from './hadoop-address.js';

export interface WebHdfsEndpoint {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  /** The NameNode id within an HA nameservice (`nn1`); absent otherwise. */
  nnId?: string;
}

/** Hadoop's default NameNode HTTP(S) ports (DFSConfigKeys.DFS_NAMENODE_HTTP(S)_PORT_DEFAULT). */
const HTTP_PORT = 9870;
const HTTPS_PORT = 9871;
const HTTP_KEY = 'dfs.namenode.http-address';
const HTTPS_KEY = 'dfs.namenode.https-address';

interface ParsedUri {
  scheme: string;
  authority: string;
}

/**
 * The NameNode HTTP endpoint(s) that serve WebHDFS for `uri` (an `hdfs://`, `webhdfs://` or
 * `swebhdfs://` URI, or a path, which means fs.defaultFS), in failover order for HA nameservices.
 */
export function webHdfsEndpoints(conf: Configuration, uri?: string): WebHdfsEndpoint[] {
  const { scheme, authority } = resolveUri(conf, uri);
  const httpsOnly = (conf.getTrimmed('dfs.http.policy') ?? 'HTTP_ONLY').toUpperCase() === 'HTTPS_ONLY';
  const https = scheme === 'swebhdfs' || (scheme === 'hdfs' && httpsOnly);
  const [key, defaultPort, httpScheme] = https ? [HTTPS_KEY, HTTPS_PORT, 'https' as const] : [HTTP_KEY, HTTP_PORT, 'http' as const];

  const nameservice = nameserviceOf(conf, authority);
  if (nameservice) return nameserviceEndpoints(conf, nameservice, key, defaultPort, httpScheme);

  if (scheme === 'webhdfs' || scheme === 'swebhdfs') {
    return [{ scheme: httpScheme, ...parseHadoopAddress(authority, defaultPort, `${scheme} URI`) }];
  }
  // hdfs://host[:rpcPort]: the RPC port says nothing about HTTP; the configured HTTP address does.
  const uriHost = parseHadoopAddress(authority, 8020, 'hdfs URI').host;
  const configured = parseHadoopAddress(conf.getTrimmed(key) ?? `0.0.0.0:${defaultPort}`, defaultPort, key);
  return [{ scheme: httpScheme, host: isWildcardHost(configured.host) ? uriHost : configured.host, port: configured.port }];
}

function resolveUri(conf: Configuration, uri: string | undefined): ParsedUri {
  const defaultFs = conf.getTrimmed('fs.defaultFS') ?? 'file:///';
  const fromDefault = uri === undefined || uri.trim() === '' || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri.trim());
  const parsed = parseUri(fromDefault ? defaultFs : uri.trim(), fromDefault ? 'fs.defaultFS' : 'URI');
  if (parsed.scheme === 'file') {
    if (!fromDefault) throw new ConfigurationError(`${uri} is a local file URI, not HDFS; use an hdfs://, webhdfs:// or swebhdfs:// URI`);
    const dir = conf.confDir ? `HADOOP_CONF_DIR=${conf.confDir}` : 'HADOOP_CONF_DIR is not set';
    throw new ConfigurationError(`fs.defaultFS is ${defaultFs}; set it to an hdfs:// or webhdfs:// URI (${dir})`, 'fs.defaultFS');
  }
  if (!['hdfs', 'webhdfs', 'swebhdfs'].includes(parsed.scheme)) {
    const what = fromDefault ? `fs.defaultFS=${defaultFs}` : uri;
    throw new ConfigurationError(`${what}: scheme "${parsed.scheme}" is not served by WebHDFS; use hdfs://, webhdfs:// or swebhdfs://`);
  }
  if (parsed.authority === '') {
    // hdfs:///path takes its NameNode from fs.defaultFS when the schemes agree, as Hadoop's FileSystem does.
    const fallback = fromDefault ? undefined : parseUri(defaultFs, 'fs.defaultFS');
    if (fallback?.scheme === parsed.scheme && fallback.authority !== '') return fallback;
    throw new ConfigurationError(
      `${fromDefault ? `fs.defaultFS=${defaultFs}` : uri} names no NameNode host (expected ${parsed.scheme}://host:port/...)`,
    );
  }
  return parsed;
}

function parseUri(text: string, what: string): ParsedUri {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?/.exec(text);
  if (!m) throw new ConfigurationError(`${what} ${JSON.stringify(text)} is not a URI (expected scheme://host:port/path)`);
  return { scheme: m[1].toLowerCase(), authority: m.at(2) ?? '' };
}

/** The authority is an HA/federated nameservice when it has no port and is listed in dfs.nameservices. */
function nameserviceOf(conf: Configuration, authority: string): string | undefined {
  if (authority.includes(':')) return undefined;
  return conf.getTrimmedStrings('dfs.nameservices').includes(authority) ? authority : undefined;
}

function nameserviceEndpoints(
  conf: Configuration,
  ns: string,
  key: string,
  defaultPort: number,
  scheme: 'http' | 'https',
): WebHdfsEndpoint[] {
  const nnIds = conf.getTrimmedStrings(`dfs.ha.namenodes.${ns}`);
  if (nnIds.length === 0) {
    // A federated nameservice without HA: one NameNode under <key>.<ns>.
    const single = conf.getTrimmed(`${key}.${ns}`);
    if (single === undefined) {
      throw new ConfigurationError(
        `nameservice ${ns} (in dfs.nameservices) has no NameNodes: set dfs.ha.namenodes.${ns} (e.g. nn1,nn2) and ${key}.${ns}.<nnId>, or ${key}.${ns}`,
        `dfs.ha.namenodes.${ns}`,
      );
    }
    return [{ scheme, ...parseHadoopAddress(single, defaultPort, `${key}.${ns}`) }];
  }
  return nnIds.map((nnId) => {
    const idKey = `${key}.${ns}.${nnId}`;
    const value = conf.getTrimmed(idKey);
    if (value === undefined) {
      throw new ConfigurationError(
        `NameNode ${nnId} of nameservice ${ns} (listed in dfs.ha.namenodes.${ns}) has no HTTP address: set ${idKey}`,
        idKey,
      );
    }
    return { scheme, ...parseHadoopAddress(value, defaultPort, idKey), nnId };
  });
}
