/**
 * The NameNode role of WebHDFS: metadata operations answered directly, data operations
 * (CREATE, APPEND, OPEN, GETFILECHECKSUM) answered with a 307 to the DataNode role, or with
 * `{"Location":...}` for `noredirect=true`. Like Hadoop, the NameNode does not check CREATE
 * (permission and existence surface at the DataNode step) but does check that OPEN's,
 * APPEND's and GETFILECHECKSUM's file exists. Each operation takes effect when its request
 * arrives and is answered after its delay (hdfs-latency.ts), as FSNamesystem makes a change under
 * its lock and then waits for the edit log sync before answering.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { asHdfsError, illegalArgument, ioException } from './hdfs-errors.js';
import { nameNodeEmpty, nameNodeError, nameNodeJson } from './http-replies.js';
import { nameNodeStep } from './hdfs-latency.js';
import { DEFAULT_BLOCK_SIZE, DEFAULT_REPLICATION, type Inode } from './namespace.js';
import { checkServiceState, effectiveUser, encodePath, webHdfsPath, type WebHdfsContext } from './webhdfs-context.js';
import { contentSummaryJson, directoryListingJson, fileStatusesJson, fileStatusJson, type StatusEntry } from './webhdfs-json.js';
import { WebHdfsParams } from './webhdfs-params.js';

/** dfs.ls.limit: entries per LISTSTATUS_BATCH page. */
export const LIST_LIMIT = 1000;

/** GETSERVERDEFAULTS as Hadoop 3.3.6 answers it with this cluster's settings (key order as on the wire; no trash on the server). */
const SERVER_DEFAULTS = JSON.stringify({
  FsServerDefaults: {
    replication: DEFAULT_REPLICATION,
    encryptDataTransfer: false,
    defaultStoragePolicyId: 7,
    writePacketSize: 65536,
    fileBufferSize: 4096,
    checksumType: 2,
    trashInterval: 0,
    keyProviderUri: '',
    blockSize: DEFAULT_BLOCK_SIZE,
    bytesPerChecksum: 512,
  },
});

/** Sends an operation's answer, which was decided when the operation ran. */
type Answer = () => void;

export function handleNameNodeRequest(ctx: WebHdfsContext, req: IncomingMessage, res: ServerResponse): void {
  req.resume(); // the NameNode never reads a body
  let op = '';
  let answer: Answer;
  try {
    const url = new URL(req.url ?? '/', 'http://namenode');
    const path = webHdfsPath(url.pathname);
    if (path === undefined) {
      throw illegalArgument(`${url.pathname} is not a WebHDFS path: use /webhdfs/v1/<absolute path>?op=...`);
    }
    const params = new WebHdfsParams(url.searchParams);
    op = params.op(req.method ?? 'GET');
    checkServiceState(ctx, op, path);
    const user = effectiveUser(ctx, params);
    answer = runOp(ctx, res, op, path, user, params);
  } catch (err) {
    const error = asHdfsError(err);
    answer = () => nameNodeError(res, error);
  }
  const delayMs = ctx.latency.draw(nameNodeStep(op));
  if (delayMs > 0) setTimeout(answer, delayMs);
  else answer();
}

const json =
  (res: ServerResponse, body: string): Answer =>
  () =>
    nameNodeJson(res, 200, body);
const bool = (res: ServerResponse, value: boolean): Answer => json(res, JSON.stringify({ boolean: value }));
const empty =
  (res: ServerResponse): Answer =>
  () =>
    nameNodeEmpty(res, 200);

/** Runs the operation now; returns its answer. */
function runOp(ctx: WebHdfsContext, res: ServerResponse, op: string, path: string, user: string, p: WebHdfsParams): Answer {
  const { ns } = ctx;
  const entry = (inode: Inode, name: string): StatusEntry => ({ inode, name, childrenNum: ns.childrenNum(inode) });
  switch (op) {
    case 'GETHOMEDIRECTORY':
      return json(res, JSON.stringify({ Path: `/user/${user}` }));
    case 'GETTRASHROOT':
      return json(res, JSON.stringify({ Path: `/user/${user}/.Trash` }));
    case 'GETDELEGATIONTOKEN':
      return json(res, JSON.stringify({ Token: null })); // SIMPLE auth: Hadoop issues no token
    case 'RENEWDELEGATIONTOKEN':
    case 'CANCELDELEGATIONTOKEN':
      throw ioException(
        `${op} is refused: this simple-auth mini cluster issues no delegation tokens (GETDELEGATIONTOKEN answers {"Token":null}), so there is none to renew or cancel`,
      );
    case 'GETFILESTATUS':
      return json(res, fileStatusJson(entry(ns.getFileStatus(user, path), '')));
    case 'LISTSTATUS':
      return json(res, fileStatusesJson(ns.listStatus(user, path).map((c) => entry(c.inode, c.name))));
    case 'LISTSTATUS_BATCH': {
      const startAfter = p.string('startafter');
      let all = ns.listStatus(user, path);
      if (startAfter !== undefined) {
        const after = Buffer.from(startAfter);
        all = all.filter((c) => Buffer.compare(Buffer.from(c.name), after) > 0);
      }
      const page = all.slice(0, LIST_LIMIT).map((c) => entry(c.inode, c.name));
      return json(res, directoryListingJson(page, all.length - page.length));
    }
    case 'GETCONTENTSUMMARY':
      return json(res, contentSummaryJson(ns.contentSummary(user, path)));
    case 'MKDIRS':
      return bool(res, ns.mkdirs(user, path, p.permission()));
    case 'RENAME': {
      const destination = p.destination();
      if (destination === undefined) throw illegalArgument('Required param destination for op: RENAME is null or empty');
      const options = p.renameOptions();
      // NamenodeWebHdfsMethods: no options is the old rename (a boolean); any option set is rename2 (empty answer).
      if (options === undefined) return bool(res, ns.rename(user, path, destination));
      ns.renameWithOptions(user, path, destination, { overwrite: options.has('OVERWRITE'), toTrash: options.has('TO_TRASH') });
      return empty(res);
    }
    case 'CHECKACCESS': {
      const action = p.fsAction();
      if (action === undefined) throw illegalArgument('Required param fsaction for op: CHECKACCESS is null or empty');
      ns.checkAccess(user, path, action);
      return () => nameNodeEmpty(res, 200, undefined, 'application/octet-stream; charset=utf-8');
    }
    case 'GETSERVERDEFAULTS':
      return json(res, SERVER_DEFAULTS);
    case 'DELETE':
      return bool(res, ns.delete(user, path, p.boolean('recursive') ?? false));
    case 'SETPERMISSION':
      ns.setPermission(user, path, p.permission() ?? 0o755);
      return empty(res);
    case 'SETOWNER': {
      const owner = p.string('owner');
      const group = p.string('group');
      if (owner === undefined && group === undefined) throw illegalArgument('Both owner and group are empty.');
      ns.setOwner(user, path, owner, group);
      return empty(res);
    }
    case 'SETREPLICATION':
      return bool(res, ns.setReplication(user, path, p.short('replication') ?? DEFAULT_REPLICATION));
    case 'SETTIMES':
      ns.setTimes(user, path, p.long('modificationtime', -1) ?? -1, p.long('accesstime', -1) ?? -1);
      return empty(res);
    case 'CREATE':
      return redirect(ctx, res, p, op, path, user, {
        blocksize: p.long('blocksize', 1),
        buffersize: p.int('buffersize', 1),
        createflag: p.string('createflag') ?? '',
        createparent: p.boolean('createparent') ?? true,
        overwrite: p.boolean('overwrite') ?? false,
        permission: p.permission()?.toString(8),
        replication: p.short('replication'),
      });
    case 'APPEND':
      ns.requireExisting(user, path);
      return redirect(ctx, res, p, op, path, user, { buffersize: p.int('buffersize', 1) });
    case 'OPEN': {
      const extras = { buffersize: p.int('buffersize', 1), length: p.long('length', 0), offset: p.long('offset', 0) ?? 0 };
      ns.fileForRead(user, path);
      return redirect(ctx, res, p, op, path, user, extras);
    }
    case 'GETFILECHECKSUM':
      ns.fileForRead(user, path);
      return redirect(ctx, res, p, op, path, user, {});
    default:
      throw illegalArgument(`${op} is not handled by the NameNode`);
  }
}

/**
 * 307 to the DataNode: `op`, `user.name`, `namenoderpcaddress`, then the op's parameters sorted
 * by name (Hadoop's Param.toSortedString), leaving out those without a value.
 */
function redirect(
  ctx: WebHdfsContext,
  res: ServerResponse,
  p: WebHdfsParams,
  op: string,
  path: string,
  user: string,
  extras: Record<string, string | number | boolean | undefined>,
): Answer {
  let query = `op=${op}&user.name=${user}&namenoderpcaddress=${ctx.nameNodeRpcAddress}`;
  for (const name of Object.keys(extras).sort()) {
    const value = extras[name];
    if (value !== undefined) query += `&${name}=${encodeURIComponent(String(value))}`;
  }
  const location = `${ctx.dataNodeUrl}/webhdfs/v1${encodePath(path)}?${query}`;
  if (p.boolean('noredirect')) return json(res, JSON.stringify({ Location: location }));
  return () => nameNodeEmpty(res, 307, location);
}
