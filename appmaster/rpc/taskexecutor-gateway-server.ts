/**
 * The AM's gRPC server for TaskExecutors: one bidirectional `Connect` stream per TaskExecutor.
 * The cluster secret must come in the call metadata (a wrong or missing one is refused with
 * UNAUTHENTICATED before anything else happens); the first message must be a Register; after
 * that, heartbeats and task updates go to the registry and the registry's messages go back.
 *
 * Every identity a peer claims is checked against what the AM knows, and refusals carry a status
 * the TaskExecutor acts on (taskexecutor/am-connection.ts gives up on PERMISSION_DENIED and
 * INVALID_ARGUMENT, tries again on the others):
 *   - a malformed Register                              INVALID_ARGUMENT
 *   - an id that is no container of this AM attempt     PERMISSION_DENIED (TaskExecutorAdmission)
 *   - the AM does not know its containers yet           UNAVAILABLE (tried again)
 *   - the id of a TaskExecutor still live               ALREADY_EXISTS (tried again; the live one is untouched)
 *   - a result for an attempt not deployed to it        PERMISSION_DENIED (the stream ends)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  CLUSTER_SECRET_METADATA_KEY,
  TASK_EXECUTOR_GATEWAY_SERVICE,
  type AmMessage,
  type TaskExecutorMessage,
} from '../../client/contracts/taskexecutor-protocol.js';
import type { TaskExecutorAdmission } from '../taskexecutors/taskexecutor-admission.js';
import {
  registrationProblem,
  TaskExecutorAlreadyRegisteredError,
  TaskUpdateRefusedError,
  type TaskExecutorLink,
  type TaskExecutorRegistry,
} from '../taskexecutors/taskexecutor-registry.js';

export interface TaskExecutorGatewayOptions {
  /** Address to bind: NM_HOST in a container, 127.0.0.1 in tests. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  secret: string;
  /**
   * Internal TLS (security.ssl.internal.enabled): the gateway serves TLS only, with the cluster's
   * certificate, which TaskExecutors pin (taskexecutor/am-connection.ts); the secret in the call
   * metadata then never crosses the wire in clear. Absent: plaintext.
   */
  tls?: { certificatePem: string; privateKeyPem: string };
  registry: TaskExecutorRegistry;
  /** Which ids may register: containers this AM attempt launched or took over. */
  admission: TaskExecutorAdmission;
  /** A connection that has not registered within this time is closed (default 10 s). */
  registerTimeoutMs?: number;
  /** Largest message accepted (task results travel inline; default 20 MiB). */
  maxMessageBytes?: number;
  /** Where refusals are reported (the AM's log). */
  log?: (line: string) => void;
}

export interface TaskExecutorGateway {
  /** Where TaskExecutors connect (`LOOM_AM_ADDRESS` = `${host}:${port}`). */
  address: { host: string; port: number };
  /** Ends every stream and stops the server. */
  close(): Promise<void>;
}

const DEFAULT_MAX_MESSAGE_BYTES = 20 * 1024 * 1024;

type ConnectCall = grpc.ServerDuplexStream<TaskExecutorMessage, AmMessage>;

export async function startTaskExecutorGateway(opts: TaskExecutorGatewayOptions): Promise<TaskExecutorGateway> {
  if (!opts.secret)
    throw new Error('the TaskExecutor gateway needs the cluster secret; the AM reads it from its loom-secret local resource');
  const expected = digest(opts.secret);
  const registerTimeoutMs = opts.registerTimeoutMs ?? 10_000;
  const maxBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const calls = new Set<ConnectCall>();
  const log = opts.log ?? (() => undefined);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxBytes,
    'grpc.max_send_message_length': maxBytes,
    // TaskExecutors keep their stream open for hours; let them ping it.
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 1_000,
  });

  server.addService(TASK_EXECUTOR_GATEWAY_SERVICE, {
    Connect(call: ConnectCall) {
      const sent = call.metadata.get(CLUSTER_SECRET_METADATA_KEY);
      const given = sent.length > 0 ? sent[0] : undefined;
      if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
        const details = `${given === undefined ? 'no' : 'wrong'} cluster secret: a TaskExecutor must send the secret of the cluster it belongs to (the loom-secret file named by LOOM_SECRET_FILE)`;
        log(`TaskExecutor gateway: refused a connection from ${call.getPeer()}: ${details}`);
        call.emit('error', { code: grpc.status.UNAUTHENTICATED, details });
        return;
      }
      calls.add(call);
      serveConnection(call, opts.registry, opts.admission, registerTimeoutMs, log, () => calls.delete(call));
    },
  });

  const bindHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const port = await new Promise<number>((resolve, reject) => {
    const credentials = opts.tls
      ? grpc.ServerCredentials.createSsl(
          null,
          [{ cert_chain: Buffer.from(opts.tls.certificatePem), private_key: Buffer.from(opts.tls.privateKeyPem) }],
          false,
        )
      : grpc.ServerCredentials.createInsecure();
    server.bindAsync(`${bindHost}:${opts.port}`, credentials, (err, p) => (err ? reject(err) : resolve(p)));
  }).catch((err: unknown) => {
    server.forceShutdown();
    throw new Error(
      `the TaskExecutor gateway cannot listen on ${bindHost}:${opts.port}: ${err instanceof Error ? err.message : String(err)}`,
    );
  });

  return {
    address: { host: opts.host, port },
    close: () =>
      new Promise<void>((resolve) => {
        for (const call of [...calls]) call.end();
        // Streams the peer does not close promptly are cut.
        const force = setTimeout(() => server.forceShutdown(), 1_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

function serveConnection(
  call: ConnectCall,
  registry: TaskExecutorRegistry,
  admission: TaskExecutorAdmission,
  registerTimeoutMs: number,
  log: (line: string) => void,
  onClosed: () => void,
): void {
  let id: string | undefined;
  let closed = false;
  let progressIgnored = false;
  const link: TaskExecutorLink = {
    send(message) {
      if (!closed) call.write(message);
    },
    close(shutdownReason) {
      if (closed) return;
      if (shutdownReason !== undefined) call.write({ kind: 'shutdown', shutdown: { reason: shutdownReason } });
      finish(undefined);
      call.end();
    },
  };
  const finish = (reason: string | undefined) => {
    if (closed) return;
    closed = true;
    clearTimeout(registerTimer);
    onClosed();
    if (id !== undefined && reason !== undefined) registry.disconnected(id, link, reason);
  };
  const refuse = (code: grpc.status, details: string) => {
    if (closed) return;
    log(
      `TaskExecutor gateway: refused ${id !== undefined ? `TaskExecutor ${id}` : 'a connection'} from ${call.getPeer()} (${grpc.status[code]}): ${details}`,
    );
    finish(details);
    call.emit('error', { code, details });
  };
  const registerTimer = setTimeout(
    () => refuse(grpc.status.DEADLINE_EXCEEDED, `no Register message within ${registerTimeoutMs} ms of connecting`),
    registerTimeoutMs,
  );
  registerTimer.unref();

  call.on('data', (message: TaskExecutorMessage) => {
    if (closed) return;
    try {
      if (id === undefined) {
        if (message.kind !== 'register') {
          refuse(grpc.status.FAILED_PRECONDITION, `the first message must be a Register, not ${message.kind}`);
          return;
        }
        clearTimeout(registerTimer);
        const problem = registrationProblem(message.register);
        if (problem) {
          refuse(grpc.status.INVALID_ARGUMENT, problem);
          return;
        }
        const verdict = admission.admit(message.register.taskExecutorId);
        if (!verdict.admitted) {
          refuse(verdict.retryLater ? grpc.status.UNAVAILABLE : grpc.status.PERMISSION_DENIED, verdict.reason);
          return;
        }
        registry.register(message.register, link, verdict.origin);
        id = message.register.taskExecutorId;
      } else if (message.kind === 'heartbeat') registry.heartbeat(id, link, message.heartbeat);
      else if (message.kind === 'taskUpdate') registry.taskUpdate(id, link, message.taskUpdate);
      else if (message.kind === 'taskOutput') registry.taskOutput(id, link, message.taskOutput);
      else if (message.kind === 'taskProgress') {
        // Progress of an attempt that ended or is not this TaskExecutor's is dropped; said once per connection.
        if (!registry.taskProgress(id, link, message.taskProgress) && !progressIgnored) {
          progressIgnored = true;
          const t = message.taskProgress.task;
          log(
            `TaskExecutor gateway: ignored progress from TaskExecutor ${id} for attempt ${t.attempt} of task ${t.taskIndex} of job ${t.jobId} (not a running attempt of it); later ones from it are ignored silently`,
          );
        }
      } else refuse(grpc.status.FAILED_PRECONDITION, `TaskExecutor ${id} sent a second Register on the same stream`);
    } catch (err) {
      const code =
        err instanceof TaskExecutorAlreadyRegisteredError
          ? grpc.status.ALREADY_EXISTS
          : err instanceof TaskUpdateRefusedError
            ? grpc.status.PERMISSION_DENIED
            : grpc.status.INVALID_ARGUMENT;
      refuse(code, (err as Error).message);
    }
  });
  call.on('end', () => {
    finish('its connection was closed');
    call.end();
  });
  call.on('cancelled', () => finish('its connection was lost'));
  call.on('error', (err: Error) => finish(`its connection failed: ${err.message}`));
  call.on('close', () => finish('its connection was lost'));
}

/** Both sides are hashed first, so the comparison takes the same time whatever the lengths. */
function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
