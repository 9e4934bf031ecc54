/**
 * What both HTTP roles share: the namespace, the addresses they advertise, who a request runs
 * as (SIMPLE auth: `user.name`, else the static web user; `doas` only for configured proxy
 * users), how long each step takes, and the standby / safe-mode switches the mini cluster's tests flip.
 */
import { authorization, safeMode, standby } from './hdfs-errors.js';
import type { HdfsLatency } from './hdfs-latency.js';
import type { Namespace } from './namespace.js';
import type { WebHdfsParams } from './webhdfs-params.js';

/** Real user -> users it may impersonate with `doas` ('*' for anyone). */
export type ProxyUsers = Partial<Record<string, readonly string[] | '*'>>;

export interface WebHdfsContext {
  ns: Namespace;
  staticUser: string;
  proxyUsers: ProxyUsers;
  /** `host:port` put in `namenoderpcaddress=` and in the DataNode's `hdfs://` Location. */
  nameNodeRpcAddress: string;
  /** `http://host:port` of the DataNode role. */
  dataNodeUrl: string;
  latency: HdfsLatency;
  standby: boolean;
  safeMode: boolean;
}

/** Ops that change the namespace: refused in safe mode. */
const WRITE_OPS = new Set(['CREATE', 'MKDIRS', 'APPEND', 'RENAME', 'DELETE', 'SETPERMISSION', 'SETOWNER', 'SETREPLICATION', 'SETTIMES']);

const SAFE_MODE_VERB: Record<string, string> = {
  CREATE: 'create file',
  MKDIRS: 'create directory',
  APPEND: 'append to file',
  RENAME: 'rename',
  DELETE: 'delete',
  SETPERMISSION: 'set permission for',
  SETOWNER: 'set owner for',
  SETREPLICATION: 'set replication for',
  SETTIMES: 'set times of',
};

export function effectiveUser(ctx: WebHdfsContext, params: WebHdfsParams): string {
  const real = params.user('user.name') ?? ctx.staticUser;
  const doAs = params.user('doas');
  if (doAs === undefined || doAs === real) return real;
  const allowed = ctx.proxyUsers[real];
  if (allowed !== '*' && !allowed?.includes(doAs)) {
    throw authorization(`User: ${real} is not allowed to impersonate ${doAs}`);
  }
  return doAs;
}

/** The HA and safe-mode gates every request passes before its op runs. */
export function checkServiceState(ctx: WebHdfsContext, op: string, path: string): void {
  if (ctx.standby) {
    throw standby('Operation category READ is not supported in state standby. Visit https://s.apache.org/sbnn-error');
  }
  if (ctx.safeMode && WRITE_OPS.has(op)) {
    throw safeMode(
      `Cannot ${SAFE_MODE_VERB[op]} ${path}. Name node is in safe mode.\n` +
        'It was turned on manually. Use "hdfs dfsadmin -safemode leave" to turn safe mode off.',
    );
  }
}

/** The URL path `/webhdfs/v1/<path>` carries; undefined for anything else. */
export function webHdfsPath(pathname: string): string | undefined {
  const prefix = '/webhdfs/v1';
  if (pathname !== prefix && !pathname.startsWith(`${prefix}/`)) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(pathname.slice(prefix.length));
  } catch {
    return undefined;
  }
  return path === '' ? '/' : path;
}

/** Percent-encodes a path for a URL the way java.net.URI quotes illegal characters. */
export function encodePath(path: string): string {
  return encodeURI(path).replace(/\?/g, '%3F').replace(/#/g, '%23');
}
