// Submits a Loom AM to a mini cluster the way the client does it: the runtime archive built from
// this checkout's dist/, the configuration and the secret uploaded to a staging dir, and the AM
// container described by the deploy layer's submission builder (the contract's names).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Configuration } from '../../../client/conf/configuration.js';
import { LoomConfig } from '../../../client/conf/loom-config.js';
import { LocalResourceNames, RuntimeEntryPoints } from '../../../client/contracts/am-container-contract.js';
import { newClusterSecret } from '../../../client/contracts/cluster-secret.js';
import { loomInstallRoot, runtimeArchive } from '../../../client/deploy/runtime/runtime-archive.js';
import { amSubmission } from '../../../client/deploy/submit/submission-context.js';
import { uploadToStaging } from '../../../client/hadoop/hdfs/staging-uploader.js';
import { webHdfsClientFromConf } from '../../../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import type { WebHdfsClient } from '../../../client/hadoop/hdfs/webhdfs-client.js';
import type { LocalResourceSpec } from '../../../client/hadoop/yarn/container-launch-context.js';
import { YarnClient } from '../../../client/hadoop/yarn/yarn-client.js';
import type { MiniCluster } from '../../../minicluster/mini-cluster.js';

export const USER = userInfo().username;

export interface SubmittedAm {
  applicationId: string;
  secret: string;
  /** Absolute HDFS path of the staging dir. */
  stagingPath: string;
  fsUri: string;
  yarn: YarnClient;
  hdfs: WebHdfsClient;
  close(): Promise<void>;
}

/** The AM and TaskExecutors run from dist/: a stale or missing build would test old code. */
export function requireBuild(): void {
  const root = loomInstallRoot();
  for (const entry of [RuntimeEntryPoints.appMaster, RuntimeEntryPoints.taskExecutor]) {
    if (!existsSync(join(root, entry)))
      throw new Error(`${entry} is missing: run \`npx tsc -p tsconfig.build.json\` (npm test does) before this test`);
  }
}

/** `shippedYaml` replaces the shipped loom-conf.yaml (to ship one the client would refuse). */
export async function submitLoomAm(cluster: MiniCluster, settings: Record<string, string>, shippedYaml?: string): Promise<SubmittedAm> {
  const hadoopConf = Configuration.load({ confDir: cluster.confDir, env: {} });
  const hdfs = webHdfsClientFromConf(hadoopConf, { user: USER });
  const yarn = YarnClient.createFromConf(hadoopConf, { user: USER });
  const local = mkdtempSync(join(tmpdir(), 'loom-am-test-'));
  try {
    const conf = LoomConfig.empty();
    for (const [k, v] of Object.entries(settings)) conf.set(k, v);
    const secret = newClusterSecret();
    writeFileSync(join(local, LocalResourceNames.config), shippedYaml ?? conf.toYaml());
    writeFileSync(join(local, LocalResourceNames.secret), secret, { mode: 0o600 });
    // Cached by content: rebuilt only when dist/ or the dependencies change.
    const runtime = await runtimeArchive({ loomRoot: loomInstallRoot(), cacheDir: join(tmpdir(), 'loom-test-runtime-cache') });

    const app = await yarn.getNewApplication();
    const stagingPath = `/user/${USER}/.loom/${app.applicationId}`;
    const fsUri = cluster.defaultFs;
    const upload = async (localPath: string, name: string, type: 'FILE' | 'ARCHIVE', permission?: string): Promise<LocalResourceSpec> => {
      const [staged] = await uploadToStaging({
        client: hdfs,
        localPath,
        stagingDir: stagingPath,
        targetName: name,
        ...(permission ? { permission } : {}),
      });
      return { uri: `${fsUri}${staged.hdfsPath}`, size: staged.size, timestamp: staged.modificationTime, type, visibility: 'APPLICATION' };
    };
    const localResources: Record<string, LocalResourceSpec> = {
      [LocalResourceNames.runtime]: await upload(runtime.path, runtime.fileName, 'ARCHIVE'),
      [LocalResourceNames.config]: await upload(join(local, LocalResourceNames.config), LocalResourceNames.config, 'FILE'),
      [LocalResourceNames.secret]: await upload(join(local, LocalResourceNames.secret), LocalResourceNames.secret, 'FILE', '600'),
    };
    await yarn.submitApplication(
      amSubmission({
        applicationId: app.applicationId,
        conf,
        mode: 'session',
        localResources,
        stagingDirUri: `${fsUri}${stagingPath}`,
        user: USER,
      }),
    );
    return {
      applicationId: app.applicationId,
      secret,
      stagingPath,
      fsUri,
      yarn,
      hdfs,
      close: async () => {
        hdfs.close();
        await yarn.close();
      },
    };
  } catch (err) {
    hdfs.close();
    await yarn.close();
    throw err;
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
}

/** Polls until `check` returns a value; gives up after `limitMs` naming what it waited for. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, limitMs = 25_000, pollMs = 100): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
