/**
 * The cluster's file system, as Hadoop's configuration names it: which URLs the AM and its
 * TaskExecutors fetch on behalf of a request (a job's bundle). Hadoop's FileSystem.checkPath
 * refuses a path of another file system ("Wrong FS: <path>, expected: <fs>"); Loom does the same
 * for every URL a request hands it, in this one place, so a job cannot make a TaskExecutor
 * contact an arbitrary host (`webhdfs://169.254.169.254:80/x.mjs`) nor have a host silently
 * replaced by the configured NameNode (`hdfs://127.0.0.1:22/x.mjs` read as `/x.mjs`).
 *
 * On the cluster's file system are:
 *  - paths without a host: `/x`, and `<scheme>:///x` when <scheme> is fs.defaultFS's (Hadoop's
 *    FileSystem.get takes the default authority only when the schemes agree);
 *  - fs.defaultFS's authority (`hdfs://nn:8020`, or a nameservice), under its own scheme;
 *  - the NameNodes' RPC addresses (dfs.namenode.rpc-address[.<ns>[.<nn>]]) as hdfs://, and their
 *    WebHDFS addresses (dfs.namenode.http(s)-address[.<ns>[.<nn>]], as namenode-addresses.ts
 *    resolves them) as webhdfs:// (http) or swebhdfs:// (https);
 *  - each nameservice in dfs.nameservices (HA or federated), under hdfs://, webhdfs:// or swebhdfs://;
 *  - the file systems the caller names besides (the application's staging dir: the client put the
 *    job's files there, and YARN localized the AM's from it).
 * What is compared is the host and port: any of hdfs://, webhdfs:// and swebhdfs:// may name one
 * of those NameNode addresses (the TaskExecutor reaches an hdfs:// authority through the configured
 * WebHDFS address of that NameNode, and the mini cluster's NameNode serves WebHDFS on its only
 * port), since every one of them is a NameNode of this cluster and no other host is contacted.
 * Host names compare case-insensitively and a missing port is the scheme's default (8020, 9870,
 * 9871); unlike checkPath there is no DNS canonicalisation, so write the host as the configuration does.
 *
 * Used by the job master (every job, whichever way it comes: REST, per-job mode's job, application
 * mode's main(), the HA store) and again by each TaskExecutor before it fetches a bundle. The other
 * URLs Loom processes read are not a request's: provided lib dirs, ship files and the application
 * mode program are YARN local resources the submitting client set, localized by the NodeManager as
 * the application's owner, and the HA store's URL is the cluster's own configuration.
 */
import { LoomError } from '../../errors/loom-error.js';
import type { Configuration } from '../../conf/configuration.js';
import { isWildcardHost, parseHadoopAddress } from '../../conf/hadoop-address.js';
import { webHdfsEndpoints } from '../../conf/namenode-addresses.js';
import { HdfsPathError, parseHdfsPath } from './hdfs-path.js';

const DEFAULT_PORTS: Partial<Record<string, number>> = { hdfs: 8020, webhdfs: 9870, swebhdfs: 9871 };
const SCHEMES = Object.keys(DEFAULT_PORTS);

export class ForeignFileSystemError extends LoomError {
  static override readonly code: string = 'FILE_SYSTEM_FOREIGN';
  override name = 'ForeignFileSystemError';
}

export class ClusterFileSystem {
  private constructor(
    /** fs.defaultFS as written (for messages). */
    private readonly defaultFs: string,
    private readonly defaultScheme: string | undefined,
    /** Normalised `host:port` -> the URL prefix it was configured as (`hdfs://nn:8020`), for messages. */
    private readonly authorities: ReadonlyMap<string, string>,
    private readonly nameservices: readonly string[],
  ) {}

  /** From Hadoop's configuration; `alsoOn`: URIs of further file systems of this application (its staging dir). */
  static fromConf(conf: Configuration, alsoOn: readonly string[] = []): ClusterFileSystem {
    const authorities = new Map<string, string>();
    const add = (scheme: string, hostPort: string | undefined) => {
      const key = hostPort === undefined ? undefined : normalisedAuthority(scheme, hostPort);
      if (key && !authorities.has(key)) authorities.set(key, `${scheme}://${key}`);
    };
    const nameservices = conf.getTrimmedStrings('dfs.nameservices');
    const defaultFs = conf.getTrimmed('fs.defaultFS') ?? 'file:///';
    const def = schemeAndAuthority(defaultFs);
    const defaultScheme = def && SCHEMES.includes(def.scheme) && def.authority ? def.scheme : undefined;
    if (def && defaultScheme && !nameservices.includes(def.authority)) add(def.scheme, def.authority);

    const rpc = 'dfs.namenode.rpc-address';
    add('hdfs', conf.getTrimmed(rpc));
    // WebHDFS of the default file system (throws for a file:/// default or a broken HA setting: nothing to add then).
    const webOf = (uri?: string) => {
      try {
        for (const ep of webHdfsEndpoints(conf, uri))
          add(ep.scheme === 'https' ? 'swebhdfs' : 'webhdfs', `${bracketed(ep.host)}:${ep.port}`);
      } catch {
        // Not served by WebHDFS: no address to allow.
      }
    };
    if (defaultScheme) webOf();
    for (const ns of nameservices) {
      add('hdfs', conf.getTrimmed(`${rpc}.${ns}`));
      for (const nn of conf.getTrimmedStrings(`dfs.ha.namenodes.${ns}`)) add('hdfs', conf.getTrimmed(`${rpc}.${ns}.${nn}`));
      webOf(`hdfs://${ns}`);
      webOf(`swebhdfs://${ns}`);
    }
    for (const uri of alsoOn) {
      const other = schemeAndAuthority(uri);
      if (other && SCHEMES.includes(other.scheme) && other.authority) {
        if (nameservices.includes(other.authority)) continue;
        add(other.scheme, other.authority);
      }
    }
    return new ClusterFileSystem(defaultFs, defaultScheme, authorities, nameservices);
  }

  /** Undefined when `url` is on the cluster's file system; otherwise one line naming `what`, the URL and what is allowed. */
  problemWith(url: string, what: string): string | undefined {
    let parsed;
    try {
      parsed = parseHdfsPath(url);
    } catch (err) {
      if (err instanceof HdfsPathError) return `${what} ${JSON.stringify(url)} is not an HDFS URL: ${err.message}`;
      throw err;
    }
    const { scheme, authority, path } = parsed;
    const noHost = this.defaultScheme ? `${path} or ${this.defaultScheme}://${path}` : path;
    if (scheme === undefined) {
      return this.defaultScheme
        ? undefined
        : `${what} ${JSON.stringify(url)} names no file system and fs.defaultFS is ${this.defaultFs}, not HDFS: give an hdfs:// or webhdfs:// URL`;
    }
    if (!SCHEMES.includes(scheme)) {
      return `${what} ${JSON.stringify(url)}: ${scheme}:// is not served by WebHDFS, which TaskExecutors fetch from; use ${this.allowed(path)}`;
    }
    if (authority === undefined) {
      if (scheme === this.defaultScheme) return undefined;
      return `${what} ${JSON.stringify(url)} names no NameNode and fs.defaultFS (${this.defaultFs}) is not ${scheme}://, so it is on no known file system; write ${noHost}`;
    }
    if (this.nameservices.includes(authority)) return undefined;
    const key = normalisedAuthority(scheme, authority);
    if (key && this.authorities.has(key)) return undefined;
    return (
      `${what} ${JSON.stringify(url)} is not on this cluster's file system: ${authority} is neither fs.defaultFS (${this.defaultFs}), ` +
      `a NameNode's RPC or WebHDFS address nor a nameservice in dfs.nameservices, and TaskExecutors fetch only from the cluster's file system; use ${this.allowed(path)}`
    );
  }

  /** Throws ForeignFileSystemError with problemWith's line. */
  check(url: string, what: string): void {
    const problem = this.problemWith(url, what);
    if (problem) throw new ForeignFileSystemError(problem);
  }

  /** The accepted forms of `path`, for messages. */
  private allowed(path: string): string {
    const forms = this.defaultScheme ? [path, `${this.defaultScheme}://${path}`] : [];
    for (const prefix of this.authorities.values()) forms.push(`${prefix}${path}`);
    for (const ns of this.nameservices) forms.push(`hdfs://${ns}${path}`);
    return forms.length ? forms.join(', ') : 'an hdfs:// URL of the cluster (fs.defaultFS is not HDFS)';
  }
}

function schemeAndAuthority(uri: string): { scheme: string; authority: string } | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?/.exec(uri.trim());
  // The authority group is optional (`file:/x`); at() types the missing group as the undefined it is.
  return m ? { scheme: m[1].toLowerCase(), authority: m.at(2) ?? '' } : undefined;
}

/** `host:port` with the host in lower case and the scheme's default port filled in; undefined when it does not parse or is a wildcard. */
function normalisedAuthority(scheme: string, hostPort: string): string | undefined {
  const port = DEFAULT_PORTS[scheme];
  if (port === undefined) return undefined;
  try {
    const a = parseHadoopAddress(hostPort, port);
    if (isWildcardHost(a.host)) return undefined;
    return `${bracketed(a.host.toLowerCase())}:${a.port}`;
  } catch {
    return undefined;
  }
}

function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
