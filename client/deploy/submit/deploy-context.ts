/**
 * What every deployment step shares: both configurations, the YARN and WebHDFS clients built
 * from the Hadoop one, the user, and where staged files live. One per command; close() frees the
 * sockets.
 */
import type { Configuration } from '../../conf/configuration.js';
import type { LoomConfig } from '../../conf/loom-config.js';
import { LoomOptions } from '../../conf/loom-config-options.js';
import type { WebHdfsClient } from '../../hadoop/hdfs/webhdfs-client.js';
import { webHdfsClientFromConf } from '../../hadoop/hdfs/webhdfs-client-from-conf.js';
import { hadoopUser } from '../../wire/security/hadoop-user.js';
import { isRemoteException } from '../../wire/ipc/remote-exception.js';
import { describeRetry, type RetryReporter } from '../../retry/retry-report.js';
import { YarnClient } from '../../hadoop/yarn/yarn-client.js';
import { kerberosIdentityFromConf } from '../../hadoop/kerberos-identity-from-conf.js';
import { ENDED_STATES } from '../running/application-waiter.js';
import { checkPropertiesFileLocation, sessionPropertiesPath } from './properties-file.js';
import { haStorageRoot } from '../../contracts/ha-store-layout.js';
import { removeLeftoverStagingDirs, type ApplicationLiveness } from './staging-cleanup.js';
import { stagingFileSystemUri, stagingRoot } from './staging-dir.js';
import { noLog } from '../no-log.js';
import type { TransferProgressSink } from '../transfer-progress-sink.js';

const APPLICATION_NOT_FOUND = 'org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException';

export interface DeployContextOptions {
  hadoopConf: Configuration;
  conf: LoomConfig;
  env?: NodeJS.ProcessEnv;
  /** Progress and warnings for a person (the CLI prints them on stderr). */
  log?: (line: string) => void;
  /** Told of each file a deployment uploads, for progress output (the CLI draws it on stderr); default: none. */
  transfers?: TransferProgressSink;
}

export class DeployContext {
  readonly hadoopConf: Configuration;
  readonly conf: LoomConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly user: string;
  /** Who Loom is on a Kerberized cluster (undefined on a simple one). */
  readonly kerberosIdentity: ReturnType<typeof kerberosIdentityFromConf>;
  readonly yarn: YarnClient;
  readonly fs: WebHdfsClient;
  /** `scheme://authority` of the staging file system. */
  readonly fsUri: string;
  readonly log: (line: string) => void;
  readonly transfers: TransferProgressSink | undefined;
  /** Every client of this context reports a server that does not answer here: one line per retry, to `log`. */
  readonly onRetry: RetryReporter;
  private root: string | undefined;

  constructor(opts: DeployContextOptions) {
    this.hadoopConf = opts.hadoopConf;
    this.conf = opts.conf;
    this.env = opts.env ?? process.env;
    this.log = opts.log ?? noLog;
    this.transfers = opts.transfers;
    const location = LoomOptions.propertiesFileLocation.key;
    checkPropertiesFileLocation(this.conf.get(LoomOptions.propertiesFileLocation), this.conf.sourceOf(location));
    this.onRetry = (event) => this.log(describeRetry(event));
    this.user = hadoopUser(this.env);
    this.fsUri = stagingFileSystemUri(this.hadoopConf, this.conf.get(LoomOptions.stagingDirectory));
    // One identity for every client of this deployment: kinit's cache or the configured keytab.
    this.kerberosIdentity = kerberosIdentityFromConf(this.hadoopConf, { loomConf: this.conf, env: this.env });
    this.yarn = YarnClient.createFromConf(this.hadoopConf, {
      user: this.user,
      env: this.env,
      onRetry: this.onRetry,
      kerberosIdentity: this.kerberosIdentity,
    });
    this.fs = this.webHdfs(this.fsUri);
  }

  /** The file system a program's `ctx.hdfs` reaches: fs.defaultFS (the staging file system may be another one). */
  programFileSystem(): WebHdfsClient {
    return webHdfsClientFromConf(this.hadoopConf, {
      user: this.user,
      env: this.env,
      onRetry: this.onRetry,
      kerberosIdentity: this.kerberosIdentity,
    });
  }

  /** A WebHDFS client of `fsUri` (the staging file system by default) that reports its retries like every client here. */
  webHdfs(fsUri: string = this.fsUri): WebHdfsClient {
    return webHdfsClientFromConf(this.hadoopConf, {
      user: this.user,
      env: this.env,
      uri: fsUri,
      onRetry: this.onRetry,
      kerberosIdentity: this.kerberosIdentity,
    });
  }

  /** `<base>/.loom` (asks the NameNode for the home directory once). */
  async stagingRoot(): Promise<string> {
    this.root ??= await stagingRoot(this.conf.get(LoomOptions.stagingDirectory), this.fs);
    return this.root;
  }

  /** The session properties file: `.loom-session-<user>` in yarn.properties-file.location (default: the temp dir). */
  propertiesFile(): string {
    return sessionPropertiesPath(this.user, this.conf.get(LoomOptions.propertiesFileLocation));
  }

  /** Running, ended, or unknown to the ResourceManager. */
  async liveness(applicationId: string): Promise<ApplicationLiveness> {
    try {
      return ENDED_STATES.has((await this.yarn.getApplicationReport(applicationId)).state) ? 'ended' : 'running';
    } catch (err) {
      if (isRemoteException(err, APPLICATION_NOT_FOUND)) return 'unknown';
      throw err;
    }
  }

  /**
   * Removes staging dirs of ended applications, and their HA stores when high-availability.storageDir
   * keeps them elsewhere (never fails the command): an AM killed on its last attempt cannot know
   * it was the last, so its files are left for this sweep.
   */
  async removeLeftovers(keep?: string): Promise<void> {
    let root: string;
    try {
      root = await this.stagingRoot();
    } catch (err) {
      this.log(`warning: could not look for leftover staging dirs: ${(err as Error).message}`);
      return;
    }
    const haRoot = haStorageRoot(this.conf.get(LoomOptions.haStorageDir));
    for (const [dir, what] of [[root, 'staging dir'], ...(haRoot ? [[haRoot, 'HA store']] : [])] as const) {
      const removed = await removeLeftoverStagingDirs({
        client: this.fs,
        root: dir,
        liveness: (id) => this.liveness(id),
        ...(keep ? { keep } : {}),
        onWarning: (m) => this.log(`warning: ${m}`),
      });
      for (const path of removed) this.log(`removed the ${what} ${path} of an application that has ended`);
    }
  }

  async close(): Promise<void> {
    this.fs.close();
    await this.yarn.close();
  }
}
