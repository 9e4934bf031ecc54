// The NodeManager's REST web services under /ws/v1/node that `yarn logs` reads for a running
// application (NMWebServices in Hadoop 3.3.6), in the shapes recorded from the real NodeManager
// (test/fixtures/nodemanager-web/): the node's containers, one container, a container's log
// files (ContainerLogsInfo, logAggregationType LOCAL), and one log file as text in the
// LogToolUtils block with `?size=N` (first N bytes) or `?size=-N` (last N bytes).
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  containerLogHeader,
  formatHadoopLogTime,
  localContainerLogTrailer,
  logByteRange,
} from '../../client/hadoop/yarn/container-log-block.js';
import { formatApplicationId, parseContainerId } from '../../client/wire/codec/yarn-ids.js';

/** A container as the NodeManager's web services show it (ContainerInfo). */
export interface NodeContainerView {
  id: string;
  /** The NM's container state: LOCALIZING, RUNNING, KILLING, DONE. */
  state: string;
  /** -1000 while it runs. */
  exitCode: number;
  diagnostics: string;
  user: string;
  totalMemoryNeededMB: number;
  totalVCoresNeeded: number;
}

/** What the web services read from the NodeManager. */
export interface NodeWebServicesSource {
  /** host:port, the node id. */
  nodeId(): string;
  /** host:port of this web server, for containerLogsLink. */
  httpAddress(): string;
  /** yarn.nodemanager.log-dirs: <logDir>/<appId>/<containerId>/<file>. */
  logDir: string;
  containers(): NodeContainerView[];
}

/** An answer of the web services: JSON or text in memory, or text streamed from a log file. */
export interface NodeWebAnswer {
  status: number;
  type: string;
  body?: string;
  stream?: Readable;
}

const JSON_TYPE = 'application/json;charset=utf-8';
const TEXT_TYPE = 'text/plain;charset=utf-8';
/** What the 3.3.6 NodeManager answers for a log file it does not have (recorded). */
const NO_SUCH_LOG = 'java.lang.Exception: Cannot find this log on the local disk.';

const json = (status: number, value: unknown): NodeWebAnswer => ({ status, type: JSON_TYPE, body: JSON.stringify(value) });
const text = (status: number, body: string): NodeWebAnswer => ({ status, type: TEXT_TYPE, body });

/** Answers a /ws/v1/node/... path other than /info, or undefined when the path is not one of these. */
export async function answerNodeWebServices(url: URL, source: NodeWebServicesSource): Promise<NodeWebAnswer | undefined> {
  const parts: (string | undefined)[] = url.pathname.replace(/\/+$/, '').split('/').slice(4); // after /ws/v1/node
  if (!url.pathname.startsWith('/ws/v1/node/')) return undefined;
  const [resource, containerId, sub, fileName, ...rest] = parts;
  if (resource === 'containers' && containerId === undefined) {
    const list = await Promise.all(source.containers().map((c) => containerInfo(c, source)));
    return json(200, { containers: list.length ? { container: list } : {} });
  }
  if (resource === 'containers' && containerId !== undefined && sub === undefined) {
    const c = source.containers().find((x) => x.id === containerId);
    if (!c) return json(404, notFound(`container with id, ${containerId}, not found`));
    return json(200, { container: await containerInfo(c, source) });
  }
  if (resource === 'containers' && containerId !== undefined && sub === 'logs' && fileName === undefined) {
    const dir = logDirOf(source.logDir, containerId);
    if (!dir) return { status: 400, type: JSON_TYPE, body: '' };
    return json(200, { containerLogsInfo: await containerLogsInfo(dir, containerId, source.nodeId()) });
  }
  const logFile =
    resource === 'containers' && sub === 'logs' && rest.length === 0
      ? fileName
      : resource === 'containerlogs' && fileName === undefined
        ? sub
        : undefined;
  if (containerId !== undefined && logFile !== undefined) return logFileAnswer(source, containerId, logFile, url.searchParams.get('size'));
  return undefined;
}

function notFound(message: string): unknown {
  return {
    RemoteException: {
      exception: 'NotFoundException',
      message: `java.lang.Exception: ${message}`,
      javaClassName: 'org.apache.hadoop.yarn.webapp.NotFoundException',
    },
  };
}

async function containerInfo(c: NodeContainerView, source: NodeWebServicesSource): Promise<Record<string, unknown>> {
  const dir = logDirOf(source.logDir, c.id);
  return {
    id: c.id,
    state: c.state,
    exitCode: c.exitCode,
    diagnostics: c.diagnostics,
    user: c.user,
    totalMemoryNeededMB: c.totalMemoryNeededMB,
    totalVCoresNeeded: c.totalVCoresNeeded,
    executionType: 'GUARANTEED',
    containerLogsLink: `http://${source.httpAddress()}/node/containerlogs/${c.id}/${c.user}`,
    nodeId: source.nodeId(),
    containerLogFiles: dir ? (await logFiles(dir)).map((f) => f.fileName) : [],
  };
}

/** <logDir>/<appId>/<containerId>, or undefined when the id is not a container id (the NM answers 400). */
function logDirOf(logDir: string, containerId: string): string | undefined {
  try {
    return join(logDir, formatApplicationId(parseContainerId(containerId).applicationAttemptId.applicationId), containerId);
  } catch {
    return undefined;
  }
}

async function logFiles(dir: string): Promise<{ fileName: string; fileSize: number; lastModified: number }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const files = await Promise.all(
    names.map(async (fileName) => {
      const s = await stat(join(dir, fileName)).catch(() => undefined);
      return s?.isFile() ? { fileName, fileSize: s.size, lastModified: s.mtimeMs } : undefined;
    }),
  );
  return files.filter((f) => f !== undefined);
}

/** One ContainerLogsInfo; a container with no log dir here has no containerLogInfo at all (recorded). */
async function containerLogsInfo(dir: string, containerId: string, nodeId: string): Promise<Record<string, unknown>> {
  const files = await logFiles(dir);
  const info = files.map((f) => ({
    fileName: f.fileName,
    fileSize: String(f.fileSize),
    lastModifiedTime: formatHadoopLogTime(f.lastModified),
  }));
  return { ...(info.length ? { containerLogInfo: info } : {}), logAggregationType: 'LOCAL', containerId, nodeId };
}

async function logFileAnswer(
  source: NodeWebServicesSource,
  containerId: string,
  fileName: string,
  sizeParam: string | null,
): Promise<NodeWebAnswer> {
  const dir = logDirOf(source.logDir, containerId);
  if (!dir) return { status: 400, type: TEXT_TYPE, body: '' };
  // yarn logs sends Long.MAX_VALUE by default; doubles keep the order of such sizes, which is all logByteRange needs.
  if (sizeParam !== null && !/^-?\d+$/.test(sizeParam))
    return text(400, `java.lang.NumberFormatException: For input string: "${sizeParam}"`);
  const size = sizeParam === null ? Number.MAX_VALUE : Number(sizeParam);
  if (fileName.includes('/') || fileName === '.' || fileName === '..') return text(404, NO_SUCH_LOG);
  const path = join(dir, fileName);
  const s = await stat(path).catch(() => undefined);
  if (!s?.isFile()) return text(404, NO_SUCH_LOG);
  const container = source.containers().find((c) => c.id === containerId);
  const running = container !== undefined && container.state !== 'DONE';
  const header = containerLogHeader({
    containerId,
    nodeId: source.nodeId(),
    aggregationType: 'LOCAL',
    fileName,
    lastModifiedTime: formatHadoopLogTime(s.mtimeMs),
    fileLength: s.size,
  });
  const trailer = localContainerLogTrailer(fileName, running ? containerId : undefined);
  const { start, end } = logByteRange(s.size, size);
  async function* chunks(): AsyncGenerator<Buffer | string> {
    yield header;
    if (end > start) yield* createReadStream(path, { start, end: end - 1 }) as AsyncIterable<Buffer>;
    yield trailer;
  }
  return { status: 200, type: TEXT_TYPE, stream: Readable.from(chunks()) };
}
