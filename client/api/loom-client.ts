/**
 * The programmatic client: what `yarn-session` and `loom run` do, for a program of your own.
 * It reads the configuration as the commands do (Hadoop's from HADOOP_CONF_DIR / YARN_CONF_DIR /
 * HADOOP_HOME, Loom's from conf/loom.yaml or LOOM_CONF_DIR, then `properties` as `-D key=value`),
 * deploys a session cluster or attaches to a running one, and closes its connections in close().
 * The three modes go through the deployers the CLI uses, as Flink's YarnClusterDescriptor funnels
 * deploySessionCluster, deployJobCluster and deployApplicationCluster into one deploy path:
 * deploySession (`yarn-session`), runPerJob (`loom run -t yarn-per-job`), deployApplication
 * (`loom run-application`); Flink's ClusterClient is the handle each returns.
 */
import { loadClientConfigs } from '../conf/client-configs.js';
import { holdClusterLease, markAttached, type ClusterLease } from '../deploy/running/cluster-lease.js';
import { attachToSession } from '../deploy/running/session-attach.js';
import { DeployContext } from '../deploy/submit/deploy-context.js';
import { deploySession } from '../deploy/submit/session-deployer.js';
import type { WebHdfsClient } from '../hadoop/hdfs/webhdfs-client.js';
import type { YarnClient } from '../hadoop/yarn/yarn-client.js';
import { loomSession, type JobSpec, type LoomSession } from './loom-session.js';
import { loomPerJob, type LoomPerJob, type RunPerJobOptions } from './loom-per-job.js';
import { loomApplication, type DeployApplicationOptions, type LoomApplication } from './loom-application.js';
import { LoomOptions } from '../conf/loom-config-options.js';
import { bundleNames } from '../deploy/bundle/bundle-names.js';
import { packCheckedBundle } from '../deploy/submit/program-bundle.js';
import { submitPerJob } from '../deploy/submit/per-job-submitter.js';

export interface LoomClientOptions {
  /** Where HADOOP_CONF_DIR, LOOM_CONF_DIR, HADOOP_USER_NAME and LOOM_CACHE_DIR are read. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where ./conf/loom.yaml is looked for when LOOM_CONF_DIR is not set. Default: process.cwd(). */
  cwd?: string;
  /** Configuration keys over loom.yaml, as `-D key=value` (Loom's keys, and Hadoop's for the Hadoop configuration). */
  properties?: Readonly<Record<string, string>>;
  /** Progress lines and warnings for a person (the CLI prints them on stderr). Default: dropped. */
  log?: (line: string) => void;
}

export interface DeploySessionOptions {
  /**
   * Keep the session only while this client lives: it heartbeats the ApplicationMaster until
   * close() or detach(), and the AM ends the session once the heartbeats stop for
   * loom.client.heartbeat-timeout (`yarn-session` without -d). Default false: the session runs
   * until stop() (`yarn-session -d`).
   */
  attached?: boolean;
  /** Aborting it kills the application being deployed and removes its staging dir. */
  signal?: AbortSignal;
}

export interface AttachSessionOptions {
  /** The session's application id. Default: yarn.application.id, else the properties file, else your one running session. */
  applicationId?: string;
}

export class LoomClient {
  /** The heartbeats of the sessions deployed attached: close() stops them. */
  private readonly leases = new Set<ClusterLease>();
  /** Aborted by close(): what follows an application to its end stops. */
  private readonly closing = new AbortController();

  private constructor(private readonly ctx: DeployContext) {}

  /** Reads both configurations; a bad value or an unusable HADOOP_CONF_DIR throws a ConfigurationError here, before any network call. */
  static create(opts: LoomClientOptions = {}): LoomClient {
    const env = opts.env ?? process.env;
    const log = opts.log ?? (() => undefined);
    const dynamicProperties = Object.entries(opts.properties ?? {}).map(([key, value]) => `${key}=${value}`);
    const { hadoopConf, conf, warnings, defaultsNotice } = loadClientConfigs({
      env,
      dynamicProperties,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    for (const w of warnings) log(`warning: ${w}`);
    if (defaultsNotice !== undefined) log(defaultsNotice);
    return new LoomClient(new DeployContext({ hadoopConf, conf, env, log }));
  }

  /** The Hadoop user the client acts as (HADOOP_USER_NAME, else the OS user). */
  get user(): string {
    return this.ctx.user;
  }

  /** The ResourceManager client the deployments use. */
  get yarn(): YarnClient {
    return this.ctx.yarn;
  }

  /** A WebHDFS client of the staging file system. */
  get hdfs(): WebHdfsClient {
    return this.ctx.fs;
  }

  /** Deploys a session cluster; resolves once its ApplicationMaster registered and its REST API answers. */
  async deploySession(opts: DeploySessionOptions = {}): Promise<LoomSession> {
    const attached = opts.attached ?? false;
    markAttached(this.ctx.conf, attached);
    const cluster = await deploySession(this.ctx, opts.signal ? { signal: opts.signal } : {});
    if (!attached) return loomSession(this.ctx, cluster);
    const lease = holdClusterLease(this.ctx.conf, cluster, this.ctx.log);
    this.leases.add(lease);
    return loomSession(this.ctx, cluster, lease);
  }

  /** A running session (or per-job / application cluster) found as `loom run` finds it. */
  async attachSession(opts: AttachSessionOptions = {}): Promise<LoomSession> {
    return loomSession(this.ctx, await attachToSession(this.ctx, opts.applicationId ? { applicationId: opts.applicationId } : {}));
  }

  /**
   * Per-job mode (`loom run -t yarn-per-job`, one job): deploys a cluster of its own for the job,
   * which ends when the job ends. Packs and checks the bundle first, as submitJob does. Attached
   * (the default) it resolves once the cluster's REST API answers; result() follows the job and
   * then stops the cluster with the job's final status. Detached, it resolves once YARN accepted
   * the cluster.
   */
  async runPerJob(job: JobSpec, opts: RunPerJobOptions = {}): Promise<LoomPerJob> {
    const { ctx } = this;
    // Checked before anything is uploaded: a bundle that cannot run never reaches the cluster.
    const packed = await packCheckedBundle(job.bundle, {
      ...(job.entry ? { entry: job.entry } : {}),
      exportName: job.exportName,
      exportRole: 'task',
      log: ctx.log,
    });
    try {
      const plan = {
        name: job.name ?? `${job.exportName} (${job.bundle})`,
        exportName: job.exportName,
        parallelism: job.parallelism ?? ctx.conf.get(LoomOptions.defaultParallelism),
        args: job.args ?? [],
      };
      const submission = await submitPerJob(ctx, packed, plan, {
        detached: opts.detached ?? false,
        names: bundleNames(packed, job.bundle),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      if (submission.lease) this.leases.add(submission.lease);
      return loomPerJob(ctx, submission, submission.lease);
    } finally {
      // The deployment uploaded it: the local pack is no longer needed.
      await packed.cleanup();
    }
  }

  /**
   * Application mode (`loom run-application`): main(ctx) of `bundle` runs in the ApplicationMaster.
   * `bundle` is a local module or directory (checked, packed and uploaded) or an `hdfs://` path of
   * a module or .tar.gz already on HDFS (nothing uploaded); with `yarn.provided.lib.dirs` in the
   * client's properties, Loom's runtime comes from HDFS too. Resolves once the AM registered (or
   * the application already ended).
   */
  async deployApplication(bundle: string, opts: DeployApplicationOptions = {}): Promise<LoomApplication> {
    return loomApplication({ ctx: this.ctx, holdLease: (lease) => this.leases.add(lease), closing: this.closing.signal }, bundle, opts);
  }

  /**
   * Closes the YARN and WebHDFS connections. Detached sessions keep running (stop them first to end
   * them); attached ones lose their heartbeats and end after loom.client.heartbeat-timeout, as when
   * the client process goes away.
   */
  async close(): Promise<void> {
    this.closing.abort(new Error('the Loom client was closed'));
    for (const lease of this.leases) lease.stop();
    this.leases.clear();
    await this.ctx.close();
  }
}
