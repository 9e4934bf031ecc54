/**
 * The mini cluster's WebHDFS: one process serving the NameNode and the DataNode HTTP roles over
 * a namespace kept in `dataDir`, so Loom's client and Hadoop's WebHdfsFileSystem
 * (`hdfs dfs -ls webhdfs://...`) can use it.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { userInfo } from 'node:os';
import { createTimedHttpServer, DATANODE_HTTP_TIMEOUTS, DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from '../http-timeouts.js';
import { handleDataNodeRequest } from './datanode-handler.js';
import { HdfsLatency } from './hdfs-latency.js';
import { handleNameNodeRequest } from './namenode-handler.js';
import { Namespace } from './namespace.js';
import type { ProxyUsers, WebHdfsContext } from './webhdfs-context.js';

export interface WebHdfsOptions {
  dataDir: string;
  host?: string;
  nameNodePort?: number;
  dataNodePort?: number;
  /** The NameNode's own user: superuser, owner of `/`. Default: the OS user running the server. */
  superUser?: string;
  /** hadoop.http.staticuser.user: who requests without `user.name` run as. */
  staticUser?: string;
  /** Real user -> users it may act for with `doas` (hadoop.proxyuser.*). */
  proxyUsers?: ProxyUsers;
  /** Group membership per user; the superuser is always in `supergroup`. */
  userGroups?: Record<string, string[]>;
  /** Advertised in redirects and `hdfs://` Locations; default the NameNode HTTP address. */
  nameNodeRpcAddress?: string;
  /** How long operations take (hdfs-latency.ts). Default none: the mini cluster passes its setting. */
  latency?: HdfsLatency;
  /** How long a client may stall (http-timeouts.ts); tests lower them. */
  httpTimeouts?: Partial<HttpTimeouts>;
}

export interface Address {
  host: string;
  port: number;
}

export interface WebHdfsServer {
  nameNodeAddress: Address;
  dataNodeAddress: Address;
  /** In-process access: `statusOf(path)`, `openFile(path, offset?, length?)`, and every operation. */
  namespace: Namespace;
  /** How long its operations take. */
  latency: HdfsLatency;
  /** HA test hook: every request answers StandbyException. */
  setStandby(on: boolean): void;
  /** Safe mode test hook: every namespace change answers SafeModeException. */
  setSafeMode(on: boolean): void;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTP server that remembers its sockets, so close() can end keep-alive and in-flight ones. */
function trackedServer(handler: Handler, timeouts: Readonly<HttpTimeouts>): { server: Server; sockets: Set<Socket> } {
  const server = createTimedHttpServer(handler, timeouts);
  // Handle Expect: 100-continue ourselves, so no request gets two 100 answers.
  server.on('checkContinue', handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return { server, sockets };
}

function listen(server: Server, port: number, host: string): Promise<Address> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('WebHDFS server has no TCP address'));
        return;
      }
      resolve({ host, port: address.port });
    });
  });
}

function shutdown(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
}

export async function startWebHdfs(options: WebHdfsOptions): Promise<WebHdfsServer> {
  if (options.dataDir === '') {
    throw new Error('startWebHdfs needs dataDir: the local directory that holds the namespace and file bytes');
  }
  const host = options.host ?? '127.0.0.1';
  const superUser = options.superUser ?? userInfo().username;
  const ns = Namespace.open({ dataDir: options.dataDir, superUser, userGroups: options.userGroups });
  const ctx: WebHdfsContext = {
    ns,
    staticUser: options.staticUser ?? 'dr.who',
    proxyUsers: options.proxyUsers ?? {},
    nameNodeRpcAddress: '',
    dataNodeUrl: '',
    latency: options.latency ?? HdfsLatency.NONE,
    standby: false,
    safeMode: false,
  };
  const nn = trackedServer((req, res) => handleNameNodeRequest(ctx, req, res), { ...DEFAULT_HTTP_TIMEOUTS, ...options.httpTimeouts });
  // DataNode requests still running (an upload being written or given up): close() waits for them,
  // so no block file handle outlives the server and the last checkpoint sees their outcome.
  const dataNodeWork = new Set<Promise<void>>();
  const dn = trackedServer(
    (req, res) => {
      const work = handleDataNodeRequest(ctx, req, res).catch(() => void res.destroy());
      dataNodeWork.add(work);
      void work.then(() => dataNodeWork.delete(work));
    },
    { ...DATANODE_HTTP_TIMEOUTS, ...options.httpTimeouts },
  );
  const closeAll = async () => {
    await Promise.all([shutdown(nn.server, nn.sockets), shutdown(dn.server, dn.sockets)]);
    await Promise.all([...dataNodeWork]);
    await ns.settled();
  };
  let nameNodeAddress: Address;
  let dataNodeAddress: Address;
  try {
    nameNodeAddress = await listen(nn.server, options.nameNodePort ?? 0, host);
    dataNodeAddress = await listen(dn.server, options.dataNodePort ?? 0, host);
  } catch (err) {
    await closeAll();
    throw new Error(
      `WebHDFS could not listen on ${host} (NameNode port ${options.nameNodePort ?? 0}, DataNode port ${options.dataNodePort ?? 0}): ${(err as Error).message}; pick free ports or 0`,
    );
  }
  ctx.nameNodeRpcAddress = options.nameNodeRpcAddress ?? `${host}:${nameNodeAddress.port}`;
  ctx.dataNodeUrl = `http://${host}:${dataNodeAddress.port}`;
  let closed: Promise<void> | undefined;
  return {
    nameNodeAddress,
    dataNodeAddress,
    namespace: ns,
    latency: ctx.latency,
    setStandby: (on) => void (ctx.standby = on),
    setSafeMode: (on) => void (ctx.safeMode = on),
    close: () => (closed ??= closeAll().then(() => ns.checkpoint())),
  };
}
