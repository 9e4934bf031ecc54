// A NodeManager's REST web services as `yarn logs` reads them for a running application
// (LogToolUtils / LogsCLI in Hadoop 3.3.6): the list of a container's log files from
// /ws/v1/node/containers/<c>/logs (JSON, Accept: application/json) and one file from
// /ws/v1/node/containers/<c>/logs/<file>?size=<bytes> (Accept: text/plain), which the NodeManager
// answers in the LogToolUtils block (container-log-block.ts). Shapes recorded in
// test/fixtures/nodemanager-web/.
import { YarnClientError } from './yarn-client-errors.js';
import { negotiatingFetch } from '../http-auth/negotiating-fetch.js';
import { SpnegoAuthenticator, type HttpKerberosOptions } from '../http-auth/spnego-authenticator.js';
import { SpnegoAuthenticationError } from '../http-auth/spnego-errors.js';
import type { LogAggregationType } from './container-log-block.js';

/** One file of ContainerLogsInfo.containerLogInfo. */
export interface ContainerLogFile {
  fileName: string;
  fileSize: number;
  /** As the NodeManager formats it (Times.format), e.g. `Mon Dec 07 16:34:15 +0000 2026`. */
  lastModifiedTime: string;
}

/** ContainerLogsInfo: a container's log files on one node, by where they are. */
export interface ContainerLogs {
  containerId: string;
  nodeId: string;
  logAggregationType: LogAggregationType;
  files: ContainerLogFile[];
}

/** A container as /ws/v1/node/containers lists it (ContainerInfo, the fields Loom reads). */
export interface NodeContainer {
  id: string;
  state: string;
  exitCode: number;
  user: string;
  nodeId: string;
  containerLogFiles: string[];
}

/** A NodeManager web request that failed: not reachable, or an HTTP status other than 200. */
export class NodeManagerWebError extends YarnClientError {
  static override readonly code: string = 'NODEMANAGER_WEB_FAILED';
  constructor(
    message: string,
    /** The HTTP status, or undefined when the NodeManager did not answer. */
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `yarn logs` asks for Long.MAX_VALUE bytes when -size is not given: the whole file. */
export const WHOLE_LOG = '9223372036854775807';

export interface NodeManagerWebClientOptions {
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** Kerberos on a secure cluster: the web services' `401 Negotiate` is answered with SPNEGO (yarn.nodemanager.webapp.spnego-principal). */
  kerberos?: HttpKerberosOptions;
}

export class NodeManagerWebClient {
  private readonly timeoutMs: number;

  private readonly spnego: SpnegoAuthenticator;

  constructor(opts: NodeManagerWebClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.spnego = new SpnegoAuthenticator(opts.kerberos);
  }

  /** The containers the NodeManager at `nodeHttpAddress` (host:port or http://host:port) knows. */
  async containers(nodeHttpAddress: string): Promise<NodeContainer[]> {
    const body = (await this.getJson(nodeHttpAddress, '/ws/v1/node/containers')) as { containers?: { container?: unknown } } | null;
    return asList(body?.containers?.container).map((c) => {
      const r = c as Record<string, unknown>;
      return {
        id: str(r.id),
        state: str(r.state),
        exitCode: num(r.exitCode, -1000),
        user: str(r.user),
        nodeId: str(r.nodeId),
        containerLogFiles: asList(r.containerLogFiles).map((f) => str(f)),
      };
    });
  }

  /** The container's log files on that node (one entry per ContainerLogsInfo: LOCAL, and AGGREGATED when rolled). */
  async containerLogs(nodeHttpAddress: string, containerId: string): Promise<ContainerLogs[]> {
    const path = `/ws/v1/node/containers/${encodeURIComponent(containerId)}/logs`;
    const body = (await this.getJson(nodeHttpAddress, path)) as { containerLogsInfo?: unknown } | null;
    // Jersey writes a one-element list as the element itself.
    return asList(body?.containerLogsInfo).map((entry) => {
      const e = entry as Record<string, unknown>;
      return {
        containerId: str(e.containerId, containerId),
        nodeId: str(e.nodeId),
        logAggregationType: e.logAggregationType === 'AGGREGATED' ? 'AGGREGATED' : 'LOCAL',
        files: asList(e.containerLogInfo).map((f) => {
          const file = f as Record<string, unknown>;
          // fileSize is a string in the JSON (recorded).
          return { fileName: str(file.fileName), fileSize: num(file.fileSize, 0), lastModifiedTime: str(file.lastModifiedTime) };
        }),
      };
    });
  }

  /**
   * One log file in the NodeManager's block (header, contents, trailer), streamed. `size`: bytes
   * from the start, or from the end when negative (yarn logs -size); default the whole file.
   */
  async containerLogFile(
    nodeHttpAddress: string,
    containerId: string,
    fileName: string,
    size?: number,
  ): Promise<ReadableStream<Uint8Array>> {
    const path = `/ws/v1/node/containers/${encodeURIComponent(containerId)}/logs/${encodeURIComponent(fileName)}`;
    const res = await this.get(nodeHttpAddress, `${path}?size=${size === undefined ? WHOLE_LOG : String(size)}`, 'text/plain');
    if (!res.body)
      throw new NodeManagerWebError(`the NodeManager at ${nodeHttpAddress} sent no body for ${fileName} of ${containerId}`, res.status);
    return res.body;
  }

  private async getJson(nodeHttpAddress: string, path: string): Promise<unknown> {
    const res = await this.get(nodeHttpAddress, path, 'application/json');
    const text = await res.text();
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new NodeManagerWebError(
        `the NodeManager at ${nodeHttpAddress} answered ${path} with text that is not JSON: ${text.slice(0, 200)}`,
        res.status,
        {
          cause: err,
        },
      );
    }
  }

  private async get(nodeHttpAddress: string, path: string, accept: string): Promise<Response> {
    const url = `${nodeHttpBase(nodeHttpAddress)}${path}`;
    let res: Response;
    try {
      res = await negotiatingFetch(this.spnego, url, { headers: { Accept: accept }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      if (err instanceof SpnegoAuthenticationError) throw err;
      throw new NodeManagerWebError(
        `the NodeManager web services at ${url} did not answer (${err instanceof Error ? err.message : String(err)}); is yarn.nodemanager.webapp.address reachable from here?`,
        undefined,
        { cause: err },
      );
    }
    if (res.status !== 200) {
      const text = (await res.text()).trim();
      throw new NodeManagerWebError(
        `the NodeManager web services answered ${url} with HTTP ${String(res.status)}${text ? `: ${text.slice(0, 300)}` : ''}`,
        res.status,
      );
    }
    return res;
  }
}

/** http://host:port from a node http address with or without scheme (RM reports differ). */
export function nodeHttpBase(nodeHttpAddress: string): string {
  const trimmed = nodeHttpAddress.replace(/\/+$/, '');
  return /^https?:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;
}

function num(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? (value as unknown[]) : [value];
}
