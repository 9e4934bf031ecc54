/**
 * Deploys a Loom session cluster on YARN: uploads the runtime archive (or reuses it), the
 * effective configuration, the cluster secret and the ship files; submits the AM; waits until it
 * has registered and its REST endpoint answers; hands back a SessionCluster. On any failure after
 * the application id was obtained, the application is killed and its staging dir removed, so a
 * failed deployment leaves nothing behind.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { packDirectoryTarGz } from '../archive/archive-pack.js';
import { LoomOptions } from '../conf/loom-config-options.js';
import { uploadToStaging, type StagedFile } from '../hdfs/staging-uploader.js';
import type { LocalResourceSpec, LocalResourceType, LocalResourceVisibility } from '../yarn/container-launch-context.js';
import { LocalResourceNames } from './am-container-contract.js';
import { waitUntilAmRegistered, waitUntilRestReady } from './application-waiter.js';
import { newClusterSecret } from './cluster-secret.js';
import type { DeployContext } from './deploy-context.js';
import { writeSessionProperties } from './properties-file.js';
import { resolveRuntime, type RuntimeResourceOptions } from './runtime-resources.js';
import { SessionCluster, restReady } from './session-cluster.js';
import { applicationStagingDir, qualifiedUri } from './staging-dir.js';
import { amSubmission } from './submission-context.js';

export interface DeploySessionOptions {
  /** Local files and directories for every container (-t); a directory travels as a .tar.gz ARCHIVE. */
  shipFiles?: string[];
  /** For the AM to register and its REST endpoint to answer (default 120 s). */
  timeoutMs?: number;
  /** How often the application report is asked for while waiting (default 200 ms). */
  pollMs?: number;
  signal?: AbortSignal;
  runtime?: RuntimeResourceOptions;
}

export class DeploymentError extends Error {
  override name = 'DeploymentError';
}

/** When each step ended, ms since the epoch: the demo and the startup benchmark print them. */
export interface DeployTimings {
  started: number;
  runtimeReady: number;
  uploaded: number;
  submitted: number;
  amRegistered: number;
  restReady: number;
}

const RESERVED_NAMES = new Set<string>(Object.values(LocalResourceNames));

export async function deploySession(ctx: DeployContext, opts: DeploySessionOptions = {}): Promise<SessionCluster> {
  const started = Date.now();
  const conf = ctx.conf;
  const shipFiles = await checkShipFiles(opts.shipFiles ?? conf.get(LoomOptions.shipFiles));
  await ctx.removeLeftovers();
  // Before the application exists: a provided lib dir that is unusable fails with nothing uploaded.
  const runtime = await resolveRuntime(ctx, opts.runtime);
  const runtimeReady = Date.now();

  const app = await ctx.yarn.getNewApplication();
  const applicationId = app.applicationId;
  checkFits(ctx, app.maximumCapability);
  const root = await ctx.stagingRoot();
  const stagingDir = applicationStagingDir(root, applicationId);
  let submitted = false;
  const local = await mkdtemp(join(tmpdir(), 'loom-deploy-'));
  try {
    ctx.log(`deploying ${applicationId}: staging files in ${qualifiedUri(ctx.fsUri, stagingDir)}`);
    await ctx.fs.mkdirs(stagingDir, { permission: '700' });
    const resources: Record<string, LocalResourceSpec> = {};
    Object.assign(resources, runtime.localResources);

    const confFile = join(local, LocalResourceNames.config);
    await writeFile(confFile, conf.toYaml());
    resources[LocalResourceNames.config] = await stageFile(ctx, confFile, stagingDir, LocalResourceNames.config, 'FILE', 'APPLICATION');

    const secret = newClusterSecret();
    const secretFile = join(local, LocalResourceNames.secret);
    await writeFile(secretFile, `${secret}\n`, { mode: 0o600 });
    resources[LocalResourceNames.secret] = await stageFile(ctx, secretFile, stagingDir, LocalResourceNames.secret, 'FILE', 'APPLICATION', '600');

    for (const ship of shipFiles) {
      if (ship.isDirectory) {
        const archive = join(local, `${ship.name}.tar.gz`);
        await packDirectoryTarGz(ship.path, archive);
        resources[ship.name] = await stageFile(ctx, archive, stagingDir, `${ship.name}.tar.gz`, 'ARCHIVE', 'APPLICATION');
      } else {
        resources[ship.name] = await stageFile(ctx, ship.path, stagingDir, ship.name, 'FILE', 'APPLICATION');
      }
    }
    const uploaded = Date.now();
    opts.signal?.throwIfAborted();

    submitted = true;
    const accepted = await ctx.yarn.submitApplication(
      amSubmission({ applicationId, conf, mode: 'session', localResources: resources, stagingDirUri: qualifiedUri(ctx.fsUri, stagingDir), user: ctx.user }),
    );
    const submittedAt = Date.now();
    ctx.log(`submitted ${applicationId} (${accepted.state}); waiting for the ApplicationMaster`);
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const deadline = submittedAt + timeoutMs;
    let lastState: string | undefined;
    const wait = {
      applicationId,
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      report: () => ctx.yarn.getApplicationReport(applicationId),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onState: (state: string) => {
        if (state !== lastState) ctx.log(`${applicationId} is ${state}`);
        lastState = state;
      },
    };
    await waitUntilAmRegistered({ ...wait, timeoutMs });
    const amRegistered = Date.now();
    const report = await waitUntilRestReady({ ...wait, timeoutMs: Math.max(1000, deadline - Date.now()), ready: (r) => restReady(r, secret) });
    const cluster = new SessionCluster(ctx, { applicationId, secret, report, stagingDir });
    cluster.timings = { started, runtimeReady, uploaded, submitted: submittedAt, amRegistered, restReady: Date.now() };
    await writeSessionProperties(ctx.propertiesFile(), { applicationId, secret });
    return cluster;
  } catch (err) {
    await abandon(ctx, applicationId, stagingDir, submitted, err as Error);
    throw err;
  } finally {
    await rm(local, { recursive: true, force: true });
  }
}

interface ShipFile {
  path: string;
  name: string;
  isDirectory: boolean;
}

/** Every ship file exists and has a name of its own: checked before anything is uploaded. */
async function checkShipFiles(paths: readonly string[]): Promise<ShipFile[]> {
  const out: ShipFile[] = [];
  const names = new Set<string>();
  for (const p of paths) {
    const path = resolve(p);
    const st = await stat(path).catch(() => undefined);
    if (!st || !(st.isFile() || st.isDirectory())) throw new DeploymentError(`ship file ${p} (-t) does not exist or is not a file or directory`);
    const name = basename(path);
    if (RESERVED_NAMES.has(name)) throw new DeploymentError(`ship file ${p} (-t) has the name ${name}, which Loom uses itself; rename it`);
    if (names.has(name)) throw new DeploymentError(`two ship files (-t) are named ${name}; containers see them by name, so rename one`);
    names.add(name);
    out.push({ path, name, isDirectory: st.isDirectory() });
  }
  return out;
}

/** The AM and a TaskExecutor must fit in a node: the RM would refuse the AM, or the asks would never be granted. */
function checkFits(ctx: DeployContext, max: { memoryMb: number; vcores: number }): void {
  const checks: [string, number, string][] = [
    ['AM memory', ctx.conf.get(LoomOptions.jobManagerMemory).mebibytes, '-jm / jobmanager.memory.process.size'],
    ['TaskExecutor memory', ctx.conf.get(LoomOptions.taskManagerMemory).mebibytes, '-tm / taskmanager.memory.process.size'],
  ];
  for (const [what, mb, flag] of checks) {
    if (max.memoryMb > 0 && mb > max.memoryMb) {
      throw new DeploymentError(`${what} of ${mb} MiB is more than the cluster's largest container (${max.memoryMb} MiB, yarn.scheduler.maximum-allocation-mb): lower ${flag}`);
    }
  }
}

async function stageFile(
  ctx: DeployContext,
  localPath: string,
  stagingDir: string,
  targetName: string,
  type: LocalResourceType,
  visibility: LocalResourceVisibility,
  permission?: string,
): Promise<LocalResourceSpec> {
  const [staged] = await uploadToStaging({ client: ctx.fs, localPath, stagingDir, targetName, ...(permission ? { permission } : {}) });
  return resourceOf(ctx, staged!, type, visibility);
}

function resourceOf(ctx: DeployContext, staged: StagedFile, type: LocalResourceType, visibility: LocalResourceVisibility): LocalResourceSpec {
  return { uri: qualifiedUri(ctx.fsUri, staged.hdfsPath), size: staged.size, timestamp: staged.modificationTime, type, visibility };
}

/** A failed deployment: kill what was submitted, remove what was uploaded; the original error wins. */
async function abandon(ctx: DeployContext, applicationId: string, stagingDir: string, submitted: boolean, cause: Error): Promise<void> {
  if (submitted) {
    await ctx.yarn
      .killApplication(applicationId, { diagnostics: `Loom client gave up on the deployment: ${cause.message}`, timeoutMs: 10_000 })
      .catch((err: Error) => ctx.log(`warning: could not kill ${applicationId}: ${err.message}`));
  }
  await ctx.fs
    .delete(stagingDir, { recursive: true, ignoreMissing: true })
    .catch((err: Error) => ctx.log(`warning: could not remove the staging dir ${stagingDir}: ${err.message}`));
}
