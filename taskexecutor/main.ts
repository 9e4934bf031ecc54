/**
 * The TaskExecutor process: `node dist/taskexecutor/main.js`, configured by its environment
 * (taskexecutor-config.ts). It registers its slots with the AM, runs the tasks it is given in
 * worker threads, and exits with code 0 when the AM tells it to, when YARN stops its container
 * (SIGTERM), or when it has not reached the AM for the AM timeout; with code 1 when the AM refuses
 * it, and 2 when its configuration is wrong. Its own log lines go to stderr (taskexecutor.err) at
 * the AM's loom.log.level, in its loom.log.format (client/logging/).
 */
import { Configuration } from '../client/conf/configuration.js';
import { ClusterFileSystem } from '../client/hadoop/hdfs/cluster-file-system.js';
import { parseHdfsPath } from '../client/hadoop/hdfs/hdfs-path.js';
import { webHdfsClientFromConf } from '../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import type { WebHdfsClient } from '../client/hadoop/hdfs/webhdfs-client.js';
import { AmConnection } from './am-connection.js';
import { amLocator } from './am-address-from-ha-store.js';
import { BundleCache } from './bundle-cache.js';
import { TaskRunner } from './task-runner.js';
import { TaskOutputForwarder } from './task-output-forwarder.js';
import type { TaskOutputLine, TaskRef } from '../client/contracts/taskexecutor-protocol.js';
import { TaskExecutorMetrics } from './taskexecutor-metrics.js';
import { heapMbForContainer, workerThreadLimits } from '../client/contracts/am-container-contract.js';
import { taskExecutorConfigFromEnv, type TaskExecutorConfig } from './taskexecutor-config.js';
import { Logger } from '../client/logging/logger.js';
import { formatLogRecord } from '../client/logging/log-record-format.js';

function startTaskExecutor(config: TaskExecutorConfig): void {
  const logger = Logger.create({ ...config.log, component: 'taskexecutor', write: (line) => process.stderr.write(`${line}\n`) });
  const log = logger.lineLog();
  const taskLogger = (task: TaskRef) =>
    logger.child({ component: 'task-runner', jobId: task.jobId, taskIndex: task.taskIndex, attempt: task.attempt });

  let hadoopConf: Configuration | undefined;
  const loadHadoopConf = () => (hadoopConf ??= Configuration.load(config.hadoopConfDir ? { confDir: config.hadoopConfDir } : {}));
  const clients = new Map<string, WebHdfsClient>();
  const clientFor = (url: string): WebHdfsClient => {
    const parsed = parseHdfsPath(url);
    const key = parsed.scheme ? `${parsed.scheme}://${parsed.authority ?? ''}` : '';
    let client = clients.get(key);
    if (!client) {
      client = webHdfsClientFromConf(loadHadoopConf(), { ...(parsed.scheme ? { uri: url } : {}), user: config.hdfsUser });
      clients.set(key, client);
    }
    return client;
  };
  // Read when the first bundle comes, as the configuration is.
  let fileSystem: ClusterFileSystem | undefined;
  const clusterFileSystem = {
    problemWith: (url: string, what: string) =>
      (fileSystem ??= ClusterFileSystem.fromConf(loadHadoopConf(), config.stagingDir ? [config.stagingDir] : [])).problemWith(url, what),
  };

  // Task output: each attempt's file in the container's log dir, batches to the AM, and a copy in
  // this container's own taskexecutor.out/.err, each line prefixed with its attempt: `yarn logs`
  // users find a task's lines where they look for a container's output, and can tell the tasks apart.
  const forwarder = new TaskOutputForwarder({
    send: (batch) => connection.send({ kind: 'taskOutput', taskOutput: batch }),
    backlog: () => connection.backlog(),
  });
  // In JSON a task's line is a record too (never filtered by level: it is the task's output, not Loom's log).
  const echoTaskLine = (task: TaskRef, line: TaskOutputLine) =>
    (line.stream === 'stderr' ? process.stderr : process.stdout).write(
      config.log.format === 'json'
        ? `${formatLogRecord({ time: new Date(), level: 'info', component: `task-${line.stream}`, jobId: task.jobId, taskIndex: task.taskIndex, attempt: task.attempt, message: line.text }, 'json')}\n`
        : `[${task.jobId} task ${task.taskIndex}#${task.attempt}] ${line.text}\n`,
    );

  const metrics = new TaskExecutorMetrics();
  const runner: TaskRunner = new TaskRunner({
    slots: config.slots,
    workerLimits: workerThreadLimits(config.memoryMb > 0 ? heapMbForContainer(config.memoryMb) : 0, config.slots),
    bundles: new BundleCache({ dir: config.bundleCacheDir, clientFor, fileSystem: clusterFileSystem }),
    workerScript: new URL('./task-worker.js', import.meta.url),
    hdfs: { ...(config.hadoopConfDir ? { confDir: config.hadoopConfDir } : {}), user: config.hdfsUser },
    onUpdate: (update) => {
      const { task, state } = update;
      if (state === 'FAILED') taskLogger(task).warn(`task ${task.taskIndex} attempt ${task.attempt} FAILED: ${update.error ?? ''}`);
      else taskLogger(task).debug(`task ${task.taskIndex} attempt ${task.attempt} ${state}`);
      metrics.observe(update);
      connection.send({ kind: 'taskUpdate', taskUpdate: update });
    },
    onProgress: (progress) => connection.send({ kind: 'taskProgress', taskProgress: progress }),
    log: logger.child({ component: 'task-runner' }).lineLog(),
    output: {
      logDir: config.logDir,
      onLine: (task, line) => {
        forwarder.add(task, line);
        echoTaskLine(task, line);
      },
      attemptEnded: (task) => forwarder.attemptEnded(task),
    },
  });

  let exiting = false;
  const exit = (code: number, message: string): void => {
    if (exiting) return;
    exiting = true;
    log(message);
    forwarder.close();
    connection.close();
    const done = () => {
      for (const c of clients.values()) c.close();
      process.exit(code);
    };
    // Terminating workers is quick; never let it keep a stopped TaskExecutor alive.
    setTimeout(done, 2_000).unref();
    runner.stopAll().then(done, done);
  };

  const connection: AmConnection = new AmConnection({
    address: config.amAddress,
    secret: config.secret,
    ...(config.amCertificate ? { certificate: config.amCertificate } : {}),
    amTimeoutMs: config.amTimeoutMs,
    registration: () => ({
      taskExecutorId: config.taskExecutorId,
      host: config.host,
      slots: config.slots,
      memoryMb: config.memoryMb,
      pid: process.pid,
      running: runner.running(),
    }),
    heartbeat: () => ({ running: runner.running(), freeSlots: runner.freeSlots(), metrics: metrics.snapshot() }),
    onMessage: (m) => {
      if (m.kind === 'deployTask') {
        const { task } = m.deployTask;
        taskLogger(task).info(`deploying task ${task.taskIndex} attempt ${task.attempt}`);
        runner.deploy(m.deployTask);
      } else if (m.kind === 'cancelTask') runner.cancel(m.cancelTask.task);
      else if (m.kind === 'shutdown') exit(0, `stopping: the AM asked it to (${m.shutdown.reason})`);
    },
    onGiveUp: (kind, reason) => exit(kind === 'refused' ? 1 : 0, `stopping: ${reason}`),
    log: logger.child({ component: 'am-connection' }).lineLog(),
    // A new AM attempt writes its gateway address to the HA store; look there, and retry often enough to be back quickly.
    ...(config.haStoreUrl ? { locate: amLocator(config.haStoreUrl, clientFor), backoff: { initialMs: 100, maxMs: 1_000 } } : {}),
  });

  process.on('SIGTERM', () => exit(0, 'stopping: SIGTERM (YARN stops the container)'));
  process.on('SIGINT', () => exit(0, 'stopping: SIGINT'));
  // A bug in one code path must not take down the tasks of others; it is logged and the process goes on.
  process.on('uncaughtException', (err) => {
    logger.error('unexpected error (continuing)', err);
  });
  process.on('unhandledRejection', (err) => {
    logger.error('unexpected rejection (continuing)', err);
  });

  log(
    `TaskExecutor ${config.taskExecutorId} starting: ${config.slots} slot(s), AM ${config.amAddress.host}:${config.amAddress.port}, AM timeout ${config.amTimeoutMs} ms`,
  );
  connection.start();
}

let config: TaskExecutorConfig;
try {
  config = taskExecutorConfigFromEnv();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
startTaskExecutor(config);
