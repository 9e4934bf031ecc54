/**
 * Finding a running Loom cluster (a session, or a per-job or application cluster by its id): by
 * application id (-id, or -Dyarn.application.id), else the session the properties file names,
 * else (no file, or the session it names has ended) the user's one running Loom session as YARN
 * lists it; several running sessions are listed for the user to pick one with -yid. Its secret
 * comes from the properties file when that names the same application, else from the owner-only
 * `loom-secret` in the application's staging dir (readable by the user who started it, and nobody
 * else but HDFS superusers).
 */
import { PinnedCertificate } from '../../wire/security/pinned-certificate.js';
import { LoomError } from '../../errors/loom-error.js';
import { LoomOptions } from '../../conf/loom-config-options.js';
import type { ApplicationReport } from '../../hadoop/yarn/cluster-reports.js';
import { FileNotFoundError } from '../../hadoop/hdfs/webhdfs-errors.js';
import { isRemoteException } from '../../wire/ipc/remote-exception.js';
import { parseApplicationId } from '../../wire/codec/yarn-ids.js';
import { LocalResourceNames } from '../../contracts/am-container-contract.js';
import { amRegistered, ENDED_STATES, waitUntilAmRegistered } from './application-waiter.js';
import { parseClusterSecret } from '../../contracts/cluster-secret.js';
import type { DeployContext } from '../submit/deploy-context.js';
import { listClusters, modeOf } from './list-clusters.js';
import { readSessionProperties, removeSessionProperties, type SessionProperties } from '../submit/properties-file.js';
import { SessionCluster } from './session-cluster.js';
import { applicationStagingDir, qualifiedUri } from '../submit/staging-dir.js';

export class SessionNotFoundError extends LoomError {
  static override readonly code: string = 'SESSION_NOT_FOUND';
  override name = 'SessionNotFoundError';
}

export interface AttachOptions {
  /** Overrides yarn.application.id and the properties file. */
  applicationId?: string;
  /** How long an application that has not registered its AM yet is waited for (default 60 s). */
  timeoutMs?: number;
}

/** `session <id>`, `per-job cluster <id>`, `application cluster <id>` (`Loom cluster <id>` when the mode is unknown), for messages. */
export function describeCluster(report: Pick<ApplicationReport, 'applicationId' | 'applicationTags' | 'name'>): string {
  const mode = modeOf(report);
  const noun = mode === 'session' ? 'session' : mode === 'unknown' ? 'Loom cluster' : `${mode} cluster`;
  return `${noun} ${report.applicationId}`;
}

export async function attachToSession(ctx: DeployContext, opts: AttachOptions = {}): Promise<SessionCluster> {
  const propertiesFile = ctx.propertiesFile();
  const recorded = await readSessionProperties(propertiesFile);
  const named = opts.applicationId ?? ctx.conf.get(LoomOptions.applicationId);
  if (named) return attachById(ctx, named, recorded, opts);
  if (recorded) {
    try {
      return await attachById(ctx, recorded.applicationId, recorded, opts);
    } catch (err) {
      // The newest session ended (or YARN forgot it): an older one may still run.
      if (!(err instanceof SessionGoneError)) throw err;
      return attachToRunningSession(ctx, opts, `the properties file names ${recorded.applicationId}, which ${err.state}`);
    }
  }
  return attachToRunningSession(ctx, opts, `no properties file at ${propertiesFile}`);
}

/** The session named nowhere: the user's one running Loom session, found through YARN (as loom list-clusters lists them). */
async function attachToRunningSession(ctx: DeployContext, opts: AttachOptions, why: string): Promise<SessionCluster> {
  const sessions = (await listClusters(ctx.yarn, { user: ctx.user })).filter((c) => c.mode === 'session');
  if (sessions.length === 0) {
    throw new SessionNotFoundError(
      `no Loom session to use (${why}), and none of yours is running: start one with yarn-session, or name a cluster with -yid <applicationId>`,
    );
  }
  if (sessions.length > 1) {
    throw new SessionNotFoundError(
      `no Loom session named (${why}), and ${sessions.length} of yours are running (${sessions.map((s) => s.applicationId).join(', ')}): ` +
        'name one with -yid <applicationId>; loom list-clusters lists them',
    );
  }
  const only = sessions[0].applicationId;
  ctx.log(`using session ${only}, the only Loom session of yours that is running (${why}); name another with -yid <applicationId>`);
  return attachById(ctx, only, undefined, opts);
}

/** The session is gone (ended, or unknown to the ResourceManager). */
export class SessionGoneError extends SessionNotFoundError {
  static override readonly code: string = 'SESSION_GONE';
  constructor(
    message: string,
    /** `has ended (FINISHED/SUCCEEDED)`, `the ResourceManager does not know`. */
    readonly state: string,
  ) {
    super(message);
  }
}

async function attachById(
  ctx: DeployContext,
  applicationId: string,
  recorded: SessionProperties | undefined,
  opts: AttachOptions,
): Promise<SessionCluster> {
  const propertiesFile = ctx.propertiesFile();
  try {
    parseApplicationId(applicationId);
  } catch (err) {
    throw new SessionNotFoundError(`${applicationId} is not an application id (${(err as Error).message})`);
  }
  await ctx.removeLeftovers(applicationId);

  let report;
  try {
    report = await ctx.yarn.getApplicationReport(applicationId);
  } catch (err) {
    if (!isRemoteException(err, 'org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException')) throw err;
    await removeSessionProperties(propertiesFile, applicationId);
    throw new SessionGoneError(
      `the ResourceManager does not know ${applicationId}; start a session with yarn-session`,
      'the ResourceManager does not know',
    );
  }
  if (ENDED_STATES.has(report.state)) {
    await removeSessionProperties(propertiesFile, applicationId);
    const restart = modeOf(report) === 'session' ? '; start a new one with yarn-session' : '';
    throw new SessionGoneError(
      `${describeCluster(report)} has ended (${report.state}/${report.finalStatus})${restart}`,
      `has ended (${report.state}/${report.finalStatus})`,
    );
  }
  if (report.applicationType !== 'Loom') {
    throw new SessionNotFoundError(`${applicationId} is a ${report.applicationType || 'YARN'} application, not a Loom cluster`);
  }
  if (!amRegistered(report)) {
    report = await waitUntilAmRegistered({
      applicationId,
      report: () => ctx.yarn.getApplicationReport(applicationId),
      timeoutMs: opts.timeoutMs ?? 60_000,
    });
  }
  const stagingDir = applicationStagingDir(await ctx.stagingRoot(), applicationId);
  const secret =
    recorded?.applicationId === applicationId ? recorded.secret : await secretFromStagingDir(ctx, stagingDir, describeCluster(report));
  const certificate = await certificateFromStagingDir(ctx, stagingDir);
  return new SessionCluster(ctx, { applicationId, secret, certificate, report, stagingDir });
}

/** Internal TLS: the certificate the client staged for the AM (none there: the cluster serves plain HTTP). */
async function certificateFromStagingDir(ctx: DeployContext, stagingDir: string): Promise<PinnedCertificate | undefined> {
  const path = `${stagingDir}/${LocalResourceNames.tlsCertificate}`;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await ctx.fs.open(path)) chunks.push(chunk as Buffer);
    return PinnedCertificate.fromPem(Buffer.concat(chunks).toString('utf8'), qualifiedUri(ctx.fsUri, path));
  } catch (err) {
    if (err instanceof FileNotFoundError) return undefined;
    throw err;
  }
}

async function secretFromStagingDir(ctx: DeployContext, stagingDir: string, cluster: string): Promise<string> {
  const path = `${stagingDir}/${LocalResourceNames.secret}`;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await ctx.fs.open(path)) chunks.push(chunk as Buffer);
    return parseClusterSecret(Buffer.concat(chunks).toString('utf8'), qualifiedUri(ctx.fsUri, path));
  } catch (err) {
    const why = err instanceof FileNotFoundError ? 'it is not there' : (err as Error).message;
    throw new SessionNotFoundError(
      `cannot read the secret of ${cluster}, ${qualifiedUri(ctx.fsUri, path)} (${why}); attach as the user who started it`,
    );
  }
}
