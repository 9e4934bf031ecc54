/**
 * WebHDFS client: every operation Loom needs against a NameNode (directly, with its DataNode
 * redirects) or an HttpFS gateway. Bodies stream both ways; no file is ever held whole in memory.
 *
 * Shape of a request, as Hadoop's own WebHdfsFileSystem sends it: `op` first, the operation's
 * parameters, then identity (`doas`, `user.name`, or `delegation` when a token is held).
 * Redirecting operations (CREATE, APPEND, OPEN, GETFILECHECKSUM) ask the NameNode without a body,
 * then talk to the DataNode `Location` verbatim.
 */
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { webHdfsUrlPath } from './hdfs-path.js';
import { SpnegoAuthenticator, type HttpKerberosOptions } from '../http-auth/spnego-authenticator.js';
import { NegotiatingTransport } from './webhdfs-negotiating-transport.js';
import {
  HttpTransport,
  discardBody,
  readBodyText,
  type HttpResponse,
  type HttpTransportOptions,
  type RequestBody,
} from './webhdfs-http.js';
import { WebHdfsConnectionError, WebHdfsOperationFailedError, WebHdfsProtocolError, remoteErrorFor } from './webhdfs-errors.js';
import {
  parseBoolean,
  parseContentSummary,
  parseDirectoryListing,
  parseFileChecksum,
  parseFileStatus,
  parseFileStatuses,
  parseLongAnswer,
  parsePathAnswer,
  parseRemoteException,
  parseServerDefaults,
  parseTokenAnswer,
  type HdfsContentSummary,
  type HdfsFileChecksum,
  type HdfsFileStatus,
  type HdfsServerDefaults,
} from './webhdfs-json.js';
import type { WebHdfsEndpoint } from '../../conf/namenode-addresses.js';
import { describeGiveUp, shortReason, type RetryReporter, type RetryTarget } from '../../retry/retry-report.js';
import { DEFAULT_RETRY_POLICY, decideRetry, type RetryPolicy } from './webhdfs-retry-policy.js';

/** One NameNode (or HttpFS gateway) HTTP address, as client/conf resolves it. */
export type { WebHdfsEndpoint };

export interface WebHdfsClientOptions extends HttpTransportOptions {
  /** NameNodes in failover order (several for HA), or one HttpFS gateway. */
  endpoints: WebHdfsEndpoint[];
  /** `user.name` for SIMPLE auth; omitted when undefined (the server then uses its static user). */
  user?: string;
  /** Proxy user: act as this user (`doas`), authenticated as `user`. */
  doAs?: string;
  /** Delegation token urlString; when set it replaces `user.name` (except in the token operations, which need Kerberos). */
  delegation?: string;
  /**
   * Kerberos for a secure cluster: a `401 WWW-Authenticate: Negotiate` is answered with SPNEGO
   * (RFC 4559) as Hadoop's WebHdfsFileSystem does, and the `hadoop.auth` cookie reused.
   */
  kerberos?: HttpKerberosOptions;
  /** Talk to an HttpFS gateway: no redirects, bodies go in the first request with `data=true`. */
  httpFs?: boolean;
  retry?: Partial<RetryPolicy>;
  /**
   * What the retries are bounded by and the address comes from, for the retry lines and the final
   * error; default: the NameNode, bounded by dfs.http.client.failover.max.attempts.
   */
  retryTarget?: RetryTarget;
  /** Told of every retry while a NameNode does not answer (as WebHdfsFileSystem logs "Retrying connect to namenode"); silent when absent. */
  onRetry?: RetryReporter;
  /** Injected in tests to skip real waiting. */
  sleep?: (ms: number) => Promise<void>;
}

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface CreateOptions {
  overwrite?: boolean;
  /** Octal string or number given in octal digits, e.g. `'644'` / `0o644`. */
  permission?: string | number;
  replication?: number;
  blockSize?: number;
  bufferSize?: number;
  /** Send Content-Length instead of chunked encoding when the size is known. */
  contentLength?: number;
  /** Running total of bytes sent. */
  onProgress?: (bytesSent: number) => void;
  signal?: AbortSignal;
}

export interface AppendOptions {
  bufferSize?: number;
  contentLength?: number;
  onProgress?: (bytesSent: number) => void;
  signal?: AbortSignal;
}

type Params = [string, string | number | boolean | undefined][];

interface OpRequest {
  op: string;
  method: HttpMethod;
  path: string;
  params?: Params;
  idempotent: boolean;
  /**
   * The operation must be authenticated by Kerberos, never by a delegation token
   * (HttpOpParam.Op.getRequireAuth: GETDELEGATIONTOKEN, RENEWDELEGATIONTOKEN, CANCELDELEGATIONTOKEN).
   */
  requireAuth?: boolean;
}

export class WebHdfsClient {
  private readonly transport: NegotiatingTransport;
  private readonly endpoints: WebHdfsEndpoint[];
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private active = 0;

  constructor(private readonly opts: WebHdfsClientOptions) {
    if (opts.endpoints.length === 0) {
      throw new Error('WebHdfsClient needs at least one NameNode endpoint: set fs.defaultFS / dfs.namenode.http-address or pass endpoints');
    }
    this.endpoints = [...opts.endpoints];
    this.retry = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.sleep = opts.sleep ?? ((ms) => sleep(ms));
    this.transport = new NegotiatingTransport(new HttpTransport(opts), new SpnegoAuthenticator(opts.kerberos));
  }

  /** The NameNode currently believed active. */
  get activeEndpoint(): WebHdfsEndpoint {
    return this.endpoints[this.active];
  }

  close(): void {
    this.transport.close();
  }

  // ---- metadata operations -------------------------------------------------------------

  async getHomeDirectory(): Promise<string> {
    return parsePathAnswer(await this.json({ op: 'GETHOMEDIRECTORY', method: 'GET', path: '/', idempotent: true }));
  }

  async mkdirs(path: string, opts: { permission?: string | number } = {}): Promise<void> {
    const ok = parseBoolean(
      await this.json({ op: 'MKDIRS', method: 'PUT', path, params: [['permission', octal(opts.permission)]], idempotent: true }),
    );
    if (!ok) throw new WebHdfsOperationFailedError(`MKDIRS ${path}: the NameNode answered false (directory not created)`, 'MKDIRS');
  }

  async getFileStatus(path: string): Promise<HdfsFileStatus> {
    return parseFileStatus(await this.json({ op: 'GETFILESTATUS', method: 'GET', path, idempotent: true }));
  }

  /** Whole listing in one answer (the NameNode streams it); prefer listStatusIterator for huge directories. */
  async listStatus(path: string): Promise<HdfsFileStatus[]> {
    return parseFileStatuses(await this.json({ op: 'LISTSTATUS', method: 'GET', path, idempotent: true }));
  }

  /** Pages through LISTSTATUS_BATCH (`startAfter` = last name of the previous page): any size, bounded memory. */
  async *listStatusIterator(path: string): AsyncGenerator<HdfsFileStatus> {
    let startAfter: string | undefined;
    for (;;) {
      const page = parseDirectoryListing(
        await this.json({ op: 'LISTSTATUS_BATCH', method: 'GET', path, params: [['startAfter', startAfter]], idempotent: true }),
      );
      yield* page.entries;
      if (page.remainingEntries <= 0) return;
      const last = page.entries.at(-1);
      if (!last || last.pathSuffix === '') {
        throw new WebHdfsProtocolError(
          `LISTSTATUS_BATCH ${path}: ${page.remainingEntries} entries remain but the page gave no name to continue after`,
        );
      }
      startAfter = last.pathSuffix;
    }
  }

  async getContentSummary(path: string): Promise<HdfsContentSummary> {
    return parseContentSummary(await this.json({ op: 'GETCONTENTSUMMARY', method: 'GET', path, idempotent: true }));
  }

  /** Redirects to a DataNode like OPEN; the answer comes from there. */
  async getFileChecksum(path: string): Promise<HdfsFileChecksum> {
    const req: OpRequest = { op: 'GETFILECHECKSUM', method: 'GET', path, idempotent: true };
    const first = await this.nameNode(req);
    const res = first.status === 307 ? await this.followRedirect(req, first) : first;
    return parseFileChecksum(await this.expectJson(req, res));
  }

  /** GETSERVERDEFAULTS: the NameNode's FsServerDefaults (its trash interval among them). */
  async getServerDefaults(): Promise<HdfsServerDefaults> {
    return parseServerDefaults(await this.json({ op: 'GETSERVERDEFAULTS', method: 'GET', path: '/', idempotent: true }));
  }

  /** GETTRASHROOT: where deleted paths of this user go (`/user/<name>/.Trash`, or the encryption zone's). */
  async getTrashRoot(path: string): Promise<string> {
    return parsePathAnswer(await this.json({ op: 'GETTRASHROOT', method: 'GET', path, idempotent: true }));
  }

  /**
   * CHECKACCESS (FileSystem.access): resolves when the user has `fsAction` (`r--`, `-w-`, `rwx`, ...)
   * on the path; AccessControlError / FileNotFoundError otherwise.
   */
  async checkAccess(path: string, fsAction: string): Promise<void> {
    await this.json({ op: 'CHECKACCESS', method: 'GET', path, params: [['fsaction', fsAction]], idempotent: true });
  }

  /**
   * RENAME. Without options the NameNode answers `{"boolean": false}` when it could not rename
   * (missing source, existing destination, ...): that throws, it is never success. With
   * `overwrite` or `toTrash` it uses rename2 (`renameoptions=OVERWRITE,TO_TRASH`): OVERWRITE
   * replaces a destination of the same kind (a file, an empty directory) atomically; failures
   * are exceptions.
   */
  async rename(path: string, destination: string, opts: { overwrite?: boolean; toTrash?: boolean } = {}): Promise<void> {
    const params: Params = [['destination', destination]];
    const options = [...(opts.overwrite ? ['OVERWRITE'] : []), ...(opts.toTrash ? ['TO_TRASH'] : [])];
    if (options.length > 0) {
      params.push(['renameoptions', options.join(',')]);
      await this.json({ op: 'RENAME', method: 'PUT', path, params, idempotent: false });
      return;
    }
    const ok = parseBoolean(await this.json({ op: 'RENAME', method: 'PUT', path, params, idempotent: false }));
    if (!ok) {
      throw new WebHdfsOperationFailedError(
        `RENAME ${path} -> ${destination} failed: the NameNode answered false (source missing, destination exists, or destination parent missing)`,
        'RENAME',
      );
    }
  }

  /** DELETE. `{"boolean": false}` (nothing deleted, e.g. the path does not exist) throws unless `ignoreMissing`. */
  async delete(path: string, opts: { recursive?: boolean; ignoreMissing?: boolean } = {}): Promise<boolean> {
    const ok = parseBoolean(
      await this.json({
        op: 'DELETE',
        method: 'DELETE',
        path,
        params: [['recursive', opts.recursive ? true : undefined]],
        idempotent: false,
      }),
    );
    if (!ok && !opts.ignoreMissing) {
      throw new WebHdfsOperationFailedError(`DELETE ${path} failed: the NameNode answered false (no such file or directory)`, 'DELETE');
    }
    return ok;
  }

  async setPermission(path: string, permission: string | number): Promise<void> {
    await this.json({ op: 'SETPERMISSION', method: 'PUT', path, params: [['permission', octal(permission)]], idempotent: true });
  }

  async setOwner(path: string, owner: { owner?: string; group?: string }): Promise<void> {
    if (!owner.owner && !owner.group) throw new Error(`SETOWNER ${path}: give an owner, a group or both`);
    await this.json({
      op: 'SETOWNER',
      method: 'PUT',
      path,
      params: [
        ['owner', owner.owner],
        ['group', owner.group],
      ],
      idempotent: true,
    });
  }

  async setReplication(path: string, replication: number): Promise<void> {
    const ok = parseBoolean(
      await this.json({ op: 'SETREPLICATION', method: 'PUT', path, params: [['replication', replication]], idempotent: true }),
    );
    if (!ok)
      throw new WebHdfsOperationFailedError(`SETREPLICATION ${path} failed: the NameNode answered false (not a file?)`, 'SETREPLICATION');
  }

  /** Times in ms since the epoch; -1 (or undefined) leaves that time unchanged. */
  async setTimes(path: string, times: { modificationTime?: number; accessTime?: number }): Promise<void> {
    await this.json({
      op: 'SETTIMES',
      method: 'PUT',
      path,
      params: [
        ['modificationtime', times.modificationTime],
        ['accesstime', times.accessTime],
      ],
      idempotent: true,
    });
  }

  /**
   * GETDELEGATIONTOKEN: an HDFS delegation token that `renewer` (a principal such as
   * rm/host@REALM, or its short name) may renew; its urlString (decodeTokenFromUrlString reads
   * it), or null when the cluster runs SIMPLE auth and issues none. Needs Kerberos on a secure cluster.
   */
  async getDelegationToken(renewer?: string): Promise<string | null> {
    return parseTokenAnswer(
      await this.json({
        op: 'GETDELEGATIONTOKEN',
        method: 'GET',
        path: '/',
        params: [['renewer', renewer]],
        idempotent: true,
        requireAuth: true,
      }),
    );
  }

  /** RENEWDELEGATIONTOKEN (only the token's renewer may): returns the new expiry time (ms since the epoch). */
  async renewDelegationToken(tokenUrlString: string): Promise<number> {
    return parseLongAnswer(
      await this.json({
        op: 'RENEWDELEGATIONTOKEN',
        method: 'PUT',
        path: '/',
        params: [['token', tokenUrlString]],
        idempotent: true,
        requireAuth: true,
      }),
    );
  }

  /** CANCELDELEGATIONTOKEN (the owner or the renewer): the token stops working at once. */
  async cancelDelegationToken(tokenUrlString: string): Promise<void> {
    await this.json({
      op: 'CANCELDELEGATIONTOKEN',
      method: 'PUT',
      path: '/',
      params: [['token', tokenUrlString]],
      idempotent: false,
      requireAuth: true,
    });
  }

  // ---- data operations ------------------------------------------------------------------

  /** CREATE: NameNode step without a body, then the bytes stream to the DataNode. */
  async create(path: string, body: RequestBody, opts: CreateOptions = {}): Promise<void> {
    const req: OpRequest = {
      op: 'CREATE',
      method: 'PUT',
      path,
      params: [
        ['overwrite', opts.overwrite],
        ['permission', octal(opts.permission)],
        ['replication', opts.replication],
        ['blocksize', opts.blockSize],
        ['buffersize', opts.bufferSize],
      ],
      // Step 1 writes nothing (the DataNode creates the file), so it may be retried.
      idempotent: true,
    };
    await this.upload(req, body, opts, 201);
  }

  async append(path: string, body: RequestBody, opts: AppendOptions = {}): Promise<void> {
    // Step 1 of APPEND is harmless too: the append starts at the DataNode.
    const req: OpRequest = { op: 'APPEND', method: 'POST', path, params: [['buffersize', opts.bufferSize]], idempotent: true };
    await this.upload(req, body, opts, 200);
  }

  /** OPEN: a stream of the file's bytes from `offset` for `length` bytes (to the end when omitted). */
  async open(path: string, opts: { offset?: number; length?: number; bufferSize?: number } = {}): Promise<Readable> {
    const req: OpRequest = {
      op: 'OPEN',
      method: 'GET',
      path,
      params: [
        ['offset', opts.offset],
        ['length', opts.length],
        ['buffersize', opts.bufferSize],
      ],
      idempotent: true,
    };
    const first = await this.nameNode(req);
    const res = first.status === 307 ? await this.followRedirect(req, first) : first;
    if (res.status !== 200) await this.failWith(req, res);
    return res.body;
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private async upload(req: OpRequest, body: RequestBody, opts: CreateOptions | AppendOptions, okStatus: number): Promise<void> {
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
    if (opts.contentLength !== undefined) headers['Content-Length'] = String(opts.contentLength);
    const send = {
      headers,
      body,
      ...(opts.onProgress ? { onBodyProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
    let res: HttpResponse;
    if (this.opts.httpFs) {
      // HttpFS takes the data in the first request; the body cannot be replayed, so no retry.
      res = await this.transport.send({
        url: this.url(this.activeEndpoint, { ...req, params: [...(req.params ?? []), ['data', true]] }),
        method: req.method,
        ...send,
      });
    } else {
      const first = await this.nameNode(req);
      if (first.status !== 307) {
        if (first.status >= 300) await this.failWith(req, first);
        discardBody(first.body);
        throw new WebHdfsProtocolError(`${req.op} ${req.path}: expected a 307 redirect to a DataNode, got ${first.status}`, first.status);
      }
      res = await this.transport.send({ url: this.location(req, first), method: req.method, ...send });
    }
    if (res.status !== okStatus && !(res.status >= 200 && res.status < 300)) await this.failWith(req, res);
    discardBody(res.body);
  }

  /** GETs a redirect target (OPEN, GETFILECHECKSUM). */
  private async followRedirect(req: OpRequest, first: HttpResponse): Promise<HttpResponse> {
    return this.transport.send({ url: this.location(req, first), method: req.method });
  }

  private location(req: OpRequest, res: HttpResponse): URL {
    discardBody(res.body);
    const loc = res.headers.location;
    if (!loc) throw new WebHdfsProtocolError(`${req.op} ${req.path}: 307 redirect without a Location header`, 307);
    try {
      return new URL(loc);
    } catch {
      throw new WebHdfsProtocolError(`${req.op} ${req.path}: redirect Location ${JSON.stringify(loc)} is not a URL`, 307);
    }
  }

  /** A NameNode operation answered with JSON (or an empty 200). */
  private async json(req: OpRequest): Promise<unknown> {
    return this.expectJson(req, await this.nameNode(req));
  }

  private async expectJson(req: OpRequest, res: HttpResponse): Promise<unknown> {
    if (res.status !== 200) await this.failWith(req, res);
    const text = await readBodyText(res.body);
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new WebHdfsProtocolError(`${req.op} ${req.path}: the answer is not JSON: ${text.slice(0, 200)}`, res.status);
    }
  }

  /**
   * Sends to the active NameNode; retries and fails over as the policy allows, telling onRetry of
   * each retry. Resolves on any status < 400. A NameNode that cannot be reached once the attempts
   * are used up is one error naming it, the attempts and the setting that bounds them.
   */
  private async nameNode(req: OpRequest): Promise<HttpResponse> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const endpoint = this.activeEndpoint;
      try {
        const res = await this.transport.send({ url: this.url(endpoint, req), method: req.method });
        if (res.status >= 400) await this.failWith(req, res);
        return res;
      } catch (err) {
        const decision = decideRetry(err, req.idempotent, attempt, this.retry, this.endpoints.length);
        const address = hostPort(endpoint);
        if (decision.action === 'fail') {
          const exhausted =
            attempt + 1 >= this.retry.maxAttempts && err instanceof WebHdfsConnectionError && (err.retryable || req.idempotent);
          if (!exhausted) throw err;
          const where = this.endpoints.length > 1 ? this.endpoints.map(hostPort).join(' and ') : address;
          const gaveUp = describeGiveUp(this.retryTarget(), where, shortReason(err), attempt + 1, Date.now() - started);
          throw new WebHdfsConnectionError(`${gaveUp} (${req.op} ${req.path})`, err.beforeRequestSent, { cause: err });
        }
        if (decision.action === 'failover' && this.endpoints[this.active] === endpoint) {
          this.active = (this.active + 1) % this.endpoints.length;
        }
        const target = this.retryTarget();
        this.opts.onRetry?.({
          server: target.server,
          address,
          failedAttempts: attempt + 1,
          reason: shortReason(err),
          delayMs: decision.delayMs,
          bound: target.bound,
        });
        if (decision.delayMs > 0) await this.sleep(decision.delayMs);
      }
    }
  }

  private retryTarget(): RetryTarget {
    return (
      this.opts.retryTarget ?? {
        server: 'NameNode',
        bound: { setting: 'dfs.http.client.failover.max.attempts', value: String(this.retry.maxAttempts) },
      }
    );
  }

  /** Turns an error answer into the typed error and throws it. */
  private async failWith(req: OpRequest, res: HttpResponse): Promise<never> {
    const text = await readBodyText(res.body, 1 << 20).catch(() => '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const remote = parseRemoteException(parsed);
    const what = `${req.op} ${req.path}`;
    if (remote) throw remoteErrorFor(remote, res.status, what);
    throw new WebHdfsProtocolError(`${what}: HTTP ${res.status} from ${res.origin}${text ? `: ${text.slice(0, 200)}` : ''}`, res.status);
  }

  private url(endpoint: WebHdfsEndpoint, req: OpRequest): URL {
    const parts = [`op=${req.op}`];
    for (const [name, value] of req.params ?? []) {
      if (value !== undefined) parts.push(`${name}=${encodeQueryValue(String(value))}`);
    }
    const { user, doAs, delegation } = this.opts;
    if (delegation && !req.requireAuth) parts.push(`delegation=${encodeQueryValue(delegation)}`);
    else {
      if (doAs) parts.push(`doas=${encodeQueryValue(doAs)}`);
      if (user) parts.push(`user.name=${encodeQueryValue(user)}`);
    }
    const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
    return new URL(`${endpoint.scheme}://${host}:${endpoint.port}${webHdfsUrlPath(req.path)}?${parts.join('&')}`);
  }
}

function hostPort(endpoint: WebHdfsEndpoint): string {
  return `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
}

/** Like encodeURIComponent, but keeps `/`, `:` and `,` readable, as they are legal in a query (paths in `destination`). */
function encodeQueryValue(v: string): string {
  return encodeURIComponent(v).replace(/%2F/g, '/').replace(/%3A/g, ':').replace(/%2C/g, ',');
}

/** Permission as Hadoop's radix-8 string; numbers are taken as their octal value (0o644 -> "644"). */
function octal(permission: string | number | undefined): string | undefined {
  if (permission === undefined) return undefined;
  const s = typeof permission === 'number' ? permission.toString(8) : permission;
  if (!/^[0-7]{1,4}$/.test(s)) throw new Error(`permission ${JSON.stringify(permission)} is not an octal mode such as 644 or 1777`);
  return s;
}
