/**
 * The deploy step every mode shares: checks the ship files, asks YARN for an application id and
 * checks the containers fit its maximum allocation, gets Loom's runtime (reused, or from provided
 * lib dirs), stages the effective configuration, the
 * cluster secret, the ship files and the mode's own files (program bundle, job description) in
 * `.loom/<applicationId>/`, submits the AM with LOOM_MODE, and waits as far as the caller needs
 * (REST answering, or only accepted). On any failure after the application id was obtained, the
 * application is killed and its staging dir removed, so a failed deployment leaves nothing behind.
 */
import { refuseSecureDeployment } from './secure-deployment.js';
import type { ClusterMode } from '../../contracts/am-env.js';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { packDirectoryTarGz } from '../../hadoop/archive/archive-pack.js';
import { LoomOptions } from '../../conf/loom-config-options.js';
import { LoomError } from '../../errors/loom-error.js';
import { uploadToStaging, type UploadProgress } from '../../hadoop/hdfs/staging-uploader.js';
import { withTransferProgress } from '../transfer-progress-sink.js';
import { OWNER_ONLY_FILE, writeFileWithMode } from '../../wire/security/local-file-modes.js';
import type { ApplicationReport } from '../../hadoop/yarn/cluster-reports.js';
import type { Resource } from '../../hadoop/yarn/yarn-records.js';
import type { LocalResourceSpec, LocalResourceType, LocalResourceVisibility } from '../../hadoop/yarn/container-launch-context.js';
import { LocalResourceNames } from '../../contracts/am-container-contract.js';
import { waitUntilAmRegistered, waitUntilRestReady } from '../running/application-waiter.js';
import { newClusterSecret } from '../../contracts/cluster-secret.js';
import { containerSizeProblems, containerSizes } from '../../conf/container-sizes.js';
import type { DeployContext } from './deploy-context.js';
import { NODE_LINK_NAME } from '../../contracts/node-command.js';
import { ProgramResourceNames } from '../../contracts/program-contract.js';
import { MANIFEST_FILE_NAME } from '../runtime/runtime-manifest.js';
import { resolveRuntime, type RuntimeResourceOptions, type UploadedFile } from '../runtime/runtime-resources.js';
import { restReady } from '../running/session-cluster.js';
import { applicationStagingDir, qualifiedUri } from './staging-dir.js';
import { amSubmission } from './submission-context.js';
import { stageInternalTls } from './internal-tls-files.js';
import type { PinnedCertificate } from '../../wire/security/pinned-certificate.js';

export type { ClusterMode };

export class DeploymentError extends LoomError {
  static override readonly code: string = 'DEPLOYMENT_FAILED';
  override name = 'DeploymentError';
}

/** What a mode's own staging step gets: the new application's dir and a way to put files there. */
export interface ModeStaging {
  applicationId: string;
  /** Absolute HDFS path of `.loom/<applicationId>`. */
  stagingDir: string;
  /** A local temporary directory for generated files (removed afterwards). */
  localDir: string;
  /** Uploads a local file into the staging dir and describes it as a local resource. */
  stageFile(
    localPath: string,
    targetName: string,
    type: LocalResourceType,
    visibility: LocalResourceVisibility,
    permission?: string,
  ): Promise<LocalResourceSpec>;
}

export interface ModeFiles {
  /** Link name -> resource, for the AM's container. */
  resources: Record<string, LocalResourceSpec>;
  /** More AM environment (e.g. LOOM_PROGRAM). */
  environment?: Record<string, string>;
}

export interface ClusterDeployOptions {
  mode: ClusterMode;
  /** The YARN application name when yarn.application.name is not set (default `Loom <mode> cluster`). */
  defaultName?: string;
  /** Local files and directories for every container (-t); default yarn.ship-files. */
  shipFiles?: string[];
  /** Mode-specific files, staged after the configuration and secret: the AM's resources and environment they add. */
  stageModeFiles?: (staging: ModeStaging) => Promise<ModeFiles>;
  /** `rest` (default): until the AM registered and its REST API answers; `submitted`: until YARN accepted it. */
  waitFor?: 'rest' | 'submitted';
  /** For the AM to register and its REST endpoint to answer (default 120 s). */
  timeoutMs?: number;
  /** How often the application report is asked for while waiting (default 200 ms). */
  pollMs?: number;
  signal?: AbortSignal;
  runtime?: RuntimeResourceOptions;
}

/** When each step ended, ms since the epoch (the AM steps only when waited for); the demo and the startup benchmark print them. */
export interface DeployTimings {
  started: number;
  runtimeReady: number;
  uploaded: number;
  submitted: number;
  amRegistered?: number;
  restReady?: number;
}

export interface DeployedCluster {
  applicationId: string;
  secret: string;
  /** Internal TLS (security.ssl.internal.enabled): the certificate the AM serves with, pinned by the client; absent: plain HTTP. */
  certificate?: PinnedCertificate;
  /** Absolute HDFS path of the staging dir. */
  stagingDir: string;
  /** The last report: REST registered (`rest`), or as accepted (`submitted`). */
  report: ApplicationReport;
  /** Everything this deployment wrote to HDFS, with sizes (the runtime only when it was not there yet). */
  uploadedFiles: UploadedFile[];
  timings: DeployTimings;
}

/** Link names Loom gives files in every container's working dir: a ship file (-t) must not take one. */
const RESERVED_NAMES = new Set<string>([
  ...Object.values(LocalResourceNames),
  ...Object.values(ProgramResourceNames),
  NODE_LINK_NAME,
  MANIFEST_FILE_NAME,
]);

export async function deployCluster(ctx: DeployContext, opts: ClusterDeployOptions): Promise<DeployedCluster> {
  const started = Date.now();
  const conf = ctx.conf;
  refuseSecureDeployment(ctx.hadoopConf);
  const shipFiles = await checkShipFiles(opts.shipFiles ?? conf.get(LoomOptions.shipFiles));
  await ctx.removeLeftovers();
  // Sizes YARN would refuse fail before anything is uploaded (Flink's YarnClusterDescriptor checks
  // them right after createApplication too); an application id that is never submitted costs nothing.
  const app = await ctx.yarn.getNewApplication();
  const applicationId = app.applicationId;
  checkFits(ctx.conf, app.maximumCapability);
  // Before the application is submitted: a provided lib dir that is unusable fails with nothing uploaded.
  const runtime = await resolveRuntime(ctx, opts.runtime);
  checkShipFilesAgainstRuntime(shipFiles, runtime.localResources);
  const runtimeReady = Date.now();
  const uploadedFiles: UploadedFile[] = [...runtime.uploadedFiles];

  const root = await ctx.stagingRoot();
  const stagingDir = applicationStagingDir(root, applicationId);
  let submitted = false;
  const local = await mkdtemp(join(tmpdir(), 'loom-deploy-'));
  const stageFile: ModeStaging['stageFile'] = async (localPath, targetName, type, visibility, permission) => {
    const [staged] = await withTransferProgress(ctx.transfers, { name: targetName, direction: 'upload' }, (onProgress) =>
      uploadToStaging({
        client: ctx.fs,
        localPath,
        stagingDir,
        targetName,
        ...(permission ? { permission } : {}),
        ...(onProgress ? { onProgress: (p: UploadProgress) => onProgress(p.bytesDone, p.bytesTotal) } : {}),
      }),
    );
    const uri = qualifiedUri(ctx.fsUri, staged.hdfsPath);
    uploadedFiles.push({ path: uri, size: staged.size });
    return { uri, size: staged.size, timestamp: staged.modificationTime, type, visibility };
  };
  try {
    ctx.log(`deploying ${applicationId} (${opts.mode}): staging files in ${qualifiedUri(ctx.fsUri, stagingDir)}`);
    await ctx.fs.mkdirs(stagingDir, { permission: '700' });
    const resources: Record<string, LocalResourceSpec> = { ...runtime.localResources };

    const confFile = join(local, LocalResourceNames.config);
    await writeFileWithMode(confFile, conf.toYaml(), OWNER_ONLY_FILE);
    resources[LocalResourceNames.config] = await stageFile(confFile, LocalResourceNames.config, 'FILE', 'APPLICATION');

    const secret = newClusterSecret();
    const secretFile = join(local, LocalResourceNames.secret);
    await writeFileWithMode(secretFile, `${secret}\n`, OWNER_ONLY_FILE);
    resources[LocalResourceNames.secret] = await stageFile(secretFile, LocalResourceNames.secret, 'FILE', 'APPLICATION', '600');
    const tls = await stageInternalTls(conf, ctx.hadoopConf, { applicationId, localDir: local, stageFile }, async () =>
      (await ctx.yarn.getNodeReports(['RUNNING'])).map((n) => n.nodeId.replace(/:\d+$/, '')),
    );
    if (tls) Object.assign(resources, tls.resources);

    for (const ship of shipFiles) {
      if (ship.isDirectory) {
        const archive = join(local, `${ship.name}.tar.gz`);
        await packDirectoryTarGz(ship.path, archive);
        resources[ship.name] = await stageFile(archive, `${ship.name}.tar.gz`, 'ARCHIVE', 'APPLICATION');
      } else {
        resources[ship.name] = await stageFile(ship.path, ship.name, 'FILE', 'APPLICATION');
      }
    }
    const modeFiles = opts.stageModeFiles
      ? await opts.stageModeFiles({ applicationId, stagingDir, localDir: local, stageFile })
      : { resources: {} };
    Object.assign(resources, modeFiles.resources);
    const uploaded = Date.now();
    opts.signal?.throwIfAborted();

    submitted = true;
    const accepted = await ctx.yarn.submitApplication(
      amSubmission({
        applicationId,
        conf,
        mode: opts.mode,
        localResources: resources,
        stagingDirUri: qualifiedUri(ctx.fsUri, stagingDir),
        user: ctx.user,
        defaultName: opts.defaultName ?? `Loom ${opts.mode} cluster`,
        ...(modeFiles.environment ? { environment: modeFiles.environment } : {}),
      }),
    );
    const submittedAt = Date.now();
    const timings: DeployTimings = { started, runtimeReady, uploaded, submitted: submittedAt };
    const result = { applicationId, secret, ...(tls ? { certificate: tls.certificate } : {}), stagingDir, uploadedFiles, timings };
    if (opts.waitFor === 'submitted') {
      ctx.log(`submitted ${applicationId} (${accepted.state})`);
      return { ...result, report: await ctx.yarn.getApplicationReport(applicationId) };
    }
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
    timings.amRegistered = Date.now();
    const report = await waitUntilRestReady({
      ...wait,
      timeoutMs: Math.max(1000, deadline - Date.now()),
      ready: (r) => restReady(r, secret, tls?.certificate),
    });
    timings.restReady = Date.now();
    return { ...result, report };
  } catch (err) {
    await abandon(ctx, applicationId, stagingDir, submitted, err);
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
export async function checkShipFiles(paths: readonly string[]): Promise<ShipFile[]> {
  const out: ShipFile[] = [];
  const names = new Set<string>();
  for (const p of paths) {
    const path = resolve(p);
    const st = await stat(path).catch(() => undefined);
    if (!st || !(st.isFile() || st.isDirectory()))
      throw new DeploymentError(`ship file ${p} (-t) does not exist or is not a file or directory`);
    const name = basename(path);
    if (RESERVED_NAMES.has(name)) throw new DeploymentError(`ship file ${p} (-t) has the name ${name}, which Loom uses itself; rename it`);
    if (names.has(name)) throw new DeploymentError(`two ship files (-t) are named ${name}; containers see them by name, so rename one`);
    names.add(name);
    out.push({ path, name, isDirectory: st.isDirectory() });
  }
  return out;
}

/** A ship file may not take the name of a provided lib file (or the top dir of a nested one): containers see both by that name. */
export function checkShipFilesAgainstRuntime(
  shipFiles: readonly { path: string; name: string }[],
  runtimeResources: Record<string, LocalResourceSpec>,
): void {
  const problems: string[] = [];
  for (const f of shipFiles) {
    const clash = Object.entries(runtimeResources).find(([link]) => link === f.name || link.startsWith(`${f.name}/`));
    if (clash) {
      problems.push(
        `ship file ${f.path} (-t) has the name ${f.name}, which the containers' working dirs hold already: the provided lib file ${clash[1].uri} (${LoomOptions.providedLibDirs.key}) is linked as ${clash[0]}; rename the ship file`,
      );
    }
  }
  if (problems.length) throw new DeploymentError(problems.join('\n'));
}

/** The AM and a TaskExecutor must fit the RM's maximum allocation: the RM would refuse the AM, or every ask for TaskExecutors. */
function checkFits(conf: DeployContext['conf'], max: Resource): void {
  const problems = containerSizeProblems(containerSizes(conf), max);
  if (problems.length) throw new DeploymentError(problems.join('; '));
}

/** A failed deployment: kill what was submitted, remove what was uploaded; the original error wins. */
async function abandon(ctx: DeployContext, applicationId: string, stagingDir: string, submitted: boolean, cause: unknown): Promise<void> {
  if (submitted) {
    await ctx.yarn
      .killApplication(applicationId, { diagnostics: `Loom client gave up on the deployment: ${messageOf(cause)}`, timeoutMs: 10_000 })
      .catch((err: unknown) => ctx.log(`warning: could not kill ${applicationId}: ${messageOf(err)}`));
  }
  await ctx.fs
    .delete(stagingDir, { recursive: true, ignoreMissing: true })
    .catch((err: unknown) => ctx.log(`warning: could not remove the staging dir ${stagingDir}: ${messageOf(err)}`));
}

/** An error's message, or the thrown value as text when it is no Error. */
function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
