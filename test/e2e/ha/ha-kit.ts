// What the HA end-to-end tests share: the three-jobs program, the AM attempt the RM runs now, the
// cluster's REST API on it (secret read from the staging dir, as any client of the user can),
// the RM's allocation log, the marks tasks leave on HDFS, and the container logs for a failure.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DispatcherClient } from '../../../client/deploy/running/dispatcher-client.js';
import { readSessionProperties, sessionPropertiesPath } from '../../../client/deploy/submit/properties-file.js';
import { restUrlOf } from '../../../client/deploy/running/session-cluster.js';
import { FileNotFoundError } from '../../../client/hadoop/hdfs/webhdfs-errors.js';
import type { ApplicationReport } from '../../../client/hadoop/yarn/cluster-reports.js';
import type { RmEvent } from '../../../minicluster/resourcemanager/resource-manager-core.js';
import { applicationIdIn, type SessionKit } from '../session-kit.js';
import { readHdfsText } from '../modes/word-count-kit.js';

export const THREE_JOBS = join(import.meta.dirname, 'programs', 'three-jobs.mjs');
export const TEST_JOBS = join(import.meta.dirname, '..', 'jobs', 'test-jobs.mjs');

export function stagingDirOf(kit: SessionKit, appId: string): string {
  return `/user/${kit.user}/.loom/${appId}`;
}

export async function exists(kit: SessionKit, path: string): Promise<boolean> {
  try {
    await kit.fs.getFileStatus(path);
    return true;
  } catch (err) {
    if (err instanceof FileNotFoundError) return false;
    throw err;
  }
}

/** The cluster secret from the staging dir (owner-only there, and this test runs as the owner). */
export async function secretOf(kit: SessionKit, appId: string): Promise<string> {
  return (await readHdfsText(kit, `${stagingDirOf(kit, appId)}/loom-secret`)).trim();
}

/** Waits until attempt `attempt` is RUNNING and registered (host and REST port in the report). */
export async function attemptServing(kit: SessionKit, appId: string, attempt: number, timeoutMs = 30_000): Promise<ApplicationReport> {
  return kit.waitFor(
    `attempt ${attempt} of ${appId} to register`,
    async () => {
      const r = await kit.report(appId);
      return r.state === 'RUNNING' && r.currentAttemptId?.endsWith(`_${String(attempt).padStart(6, '0')}`) && r.rpcPort > 0 ? r : undefined;
    },
    timeoutMs,
  );
}

export function restOf(report: ApplicationReport, secret: string): DispatcherClient {
  return new DispatcherClient({ baseUrl: restUrlOf(report), secret, requestTimeoutMs: 5_000 });
}

/** Every `allocated` event of the RM's log for the application (the current RM core's log). */
export function allocations(kit: SessionKit, appId: string): Extract<RmEvent, { type: 'allocated' }>[] {
  const prefix = appId.replace('application_', 'appattempt_');
  return kit.cluster.resourceManager.core.events.filter(
    (e): e is Extract<RmEvent, { type: 'allocated' }> => e.type === 'allocated' && e.attemptId.startsWith(prefix),
  );
}

/** Mark files per job name (`job1-task0-<uuid>` -> job1). */
export async function marksByJob(kit: SessionKit, dir: string): Promise<Record<string, number>> {
  let names: string[];
  try {
    names = (await kit.fs.listStatus(dir)).map((s) => s.pathSuffix);
  } catch (err) {
    if (err instanceof FileNotFoundError) return {};
    throw err;
  }
  const counts: Record<string, number> = {};
  for (const n of names) {
    const m = /^(job\d+)-task\d+-/.exec(n);
    if (m) counts[m[1]] = (counts[m[1]] ?? 0) + 1;
  }
  return counts;
}

/** Live container processes of the application by container id (pid of the container's shell). */
export function livePids(kit: SessionKit, appId: string): Map<string, number> {
  const prefix = appId.replace('application_', 'container_');
  const out = new Map<string, number>();
  for (const nm of kit.cluster.nodes)
    for (const [id, pid] of nm.livePids()) if (id.replace(/_e\d+_/, '_').startsWith(prefix)) out.set(id, pid);
  return out;
}

/** The application's container logs (AM and TaskExecutors), for failure messages. */
export function containerLogs(kit: SessionKit, appId: string): string {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.includes(appId) && /(stdout|stderr|\.out|\.err)$/.test(e.name) && !e.name.startsWith('prelaunch')) {
        out.push(`--- ${p.slice(kit.dir.length)}\n${readFileSync(p, 'utf8').slice(-6000)}`);
      }
    }
  };
  walk(kit.dir);
  return out.join('\n');
}

/** Runs `body`; on failure the error carries the application's container logs. */
export async function withLogs<T>(kit: SessionKit, appId: () => string | undefined, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    const id = appId();
    if (id && err instanceof Error) err.message += `\n\ncontainer logs of ${id}:\n${containerLogs(kit, id)}`;
    throw err;
  }
}

export interface StartedSession {
  id: string;
  /** Attempt 1, registered. */
  report: ApplicationReport;
  /** From the properties file the client wrote. */
  secret: string;
}

/** `yarn-session -d`, then `body` with the running session; a failure carries its container logs. */
export async function withSession<T>(kit: SessionKit, body: (session: StartedSession) => Promise<T>): Promise<T> {
  const started = await kit.loom(['yarn-session', '-d']);
  if (started.code !== 0) throw new Error(`yarn-session -d exited with ${started.code}:\n${started.stderr}`);
  const id = applicationIdIn(started.stdout);
  return withLogs(
    kit,
    () => id,
    async () => {
      const report = await attemptServing(kit, id, 1);
      const props = await readSessionProperties(sessionPropertiesPath(kit.user, kit.dir));
      if (props?.applicationId !== id) throw new Error(`the properties file does not name ${id}`);
      return body({ id, report, secret: props.secret });
    },
  );
}
