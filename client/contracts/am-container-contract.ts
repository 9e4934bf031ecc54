/**
 * The files the client puts into the AM's container and what the AM (and the TaskExecutors it
 * starts) find there: local resource names, entry points, and how a container's memory is split.
 * The environment is in am-env.ts (client -> AM) and taskexecutor-env.ts (AM -> TaskExecutor).
 * The AM imports this from client/ (layers call downward); nothing here does I/O.
 */

/** Local resource names: the NodeManager links each under this name in the container's working dir. */
export const LocalResourceNames = {
  /** ARCHIVE (.tar.gz) holding `dist/`, `proto/`, `node_modules/` and `package.json` of Loom itself. */
  runtime: 'loom-runtime',
  /** FILE: the effective Loom configuration (YAML) of this cluster, -D overrides applied. */
  config: 'loom-conf.yaml',
  /** FILE, owner-readable only on HDFS: the cluster secret (REST and TaskExecutor authentication). */
  secret: 'loom-secret',
  /**
   * FILE, owner-readable only: internal TLS's certificate (PEM, the pinned leaf first). Present exactly when
   * security.ssl.internal.enabled was on at submission: the AM serves REST and gRPC over TLS when it finds it.
   */
  tlsCertificate: 'loom-tls-cert.pem',
  /** FILE, owner-readable only: the certificate's private key (PKCS#8 PEM); the AM's container only, never a TaskExecutor's. */
  tlsKey: 'loom-tls-key.pem',
  /** Ship files (`-t`) keep their own base names; this prefix marks none of them. */
} as const;

/** Entry points inside the runtime archive, relative to its root. */
export const RuntimeEntryPoints = {
  appMaster: 'dist/appmaster/main.js',
  taskExecutor: 'dist/taskexecutor/main.js',
} as const;

/**
 * Node's heap for a container of `containerMb`: leave room for code, buffers and native memory so
 * YARN's process-tree check never fires on a healthy process (Flink keeps a similar overhead).
 */
export function heapMbForContainer(containerMb: number): number {
  const overhead = Math.max(64, Math.round(containerMb * 0.25));
  return Math.max(32, containerMb - overhead);
}

/** V8 limits for one worker thread (`new Worker(..., { resourceLimits })`). */
export interface WorkerThreadLimits {
  codeRangeSizeMb: number;
  maxOldGenerationSizeMb?: number;
}

/**
 * Limits for the worker threads a container runs (task slots, application mode's main()). Each
 * worker otherwise reserves about 500 MiB of virtual memory for its code range, and YARN's virtual
 * memory check (on by default, 2.1 x the container's memory) counts reservations. The old
 * generation is the container's heap shared by `threads` workers and the process itself, so a
 * busy thread hits a JavaScript heap limit (an error in that thread) before YARN's physical check.
 * `heapMb` 0: no heap share (size unknown).
 */
export function workerThreadLimits(heapMb: number, threads: number): WorkerThreadLimits {
  const limits: WorkerThreadLimits = { codeRangeSizeMb: 64 };
  if (heapMb > 0) limits.maxOldGenerationSizeMb = Math.max(32, Math.floor(heapMb / (threads + 1)));
  return limits;
}
