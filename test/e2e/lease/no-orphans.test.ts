// No orphans, with real processes on the mini cluster: a session started attached holds a lease
// on its AM; its client killed with SIGKILL, the cluster ends KILLED within the heartbeat timeout
// plus 10 s, diagnostics naming the lease, every container gone. A detached session (-d, or
// attached and then `detach`), silent as long, lives on. list-clusters shows both while they run; the submission asked YARN to keep
// containers across attempts with the validity interval.
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterLeaseJson } from '../../../client/contracts/dispatcher-rest-types.js';
import { readSessionProperties, sessionPropertiesPath } from '../../../client/deploy/submit/properties-file.js';
import { restUrlOf } from '../../../client/deploy/running/session-cluster.js';
import type { ApplicationReport } from '../../../client/hadoop/yarn/cluster-reports.js';
import { applicationIdIn, startSessionKit, type SessionKit } from '../session-kit.js';

const JOBS = join(import.meta.dirname, '..', 'jobs', 'test-jobs.mjs');
const HEARTBEAT_TIMEOUT_MS = 3000;

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

async function secretOf(k: SessionKit, appId: string): Promise<string> {
  const props = await readSessionProperties(sessionPropertiesPath(k.user, k.dir));
  if (props?.applicationId !== appId) throw new Error(`the properties file does not name ${appId}`);
  return props.secret;
}

async function leaseOf(report: ApplicationReport, secret: string): Promise<ClusterLeaseJson> {
  const res = await fetch(`${restUrlOf(report)}/cluster/lease`, { headers: { Authorization: `Bearer ${secret}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as ClusterLeaseJson;
}

/** Containers of the application the NodeManagers still run, and processes working in their dirs. */
async function leftovers(k: SessionKit, appId: string): Promise<string[]> {
  const prefix = appId.replace('application_', 'container_') + '_';
  const live = k.cluster.nodes
    .flatMap((n) => n.containerStates())
    .filter((c) => c.id.startsWith(prefix) && c.state !== 'DONE')
    .map((c) => `${c.id} ${c.state}`);
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cwd = await readlink(`/proc/${name}/cwd`).catch(() => '');
    if (cwd.startsWith(k.dir) && cwd.includes(`/${appId}/`)) live.push(`pid ${name} in ${cwd}`);
  }
  return live;
}

describe('client lease on the mini cluster', () => {
  it('SIGKILL of an attached client ends its cluster KILLED with no container left; detached clusters survive; list-clusters shows them all', async () => {
    kit = await startSessionKit({
      loomConf: {
        'loom.client.heartbeat-timeout': `${HEARTBEAT_TIMEOUT_MS}ms`,
        // TaskExecutors stay until the end, so "no container left" means the lease ended them.
        'loom.taskexecutor.idle-timeout': '10min',
      },
    });
    const k = kit;

    // A detached session: no lease.
    const detached = await k.loom(['yarn-session', '-d', '-nm', 'detached one']);
    expect(detached.code, detached.stderr).toBe(0);
    const detachedId = applicationIdIn(detached.stdout);
    const detachedSince = Date.now();
    const detachedReport = await k.report(detachedId);
    expect(await leaseOf(detachedReport, await secretOf(k, detachedId))).toEqual({ attached: false, 'timeout-ms': 0 });

    // The submission: kept containers and the validity interval on the RM's record; the mode tag.
    const record = k.cluster.resourceManager.core.appRecord(detachedId);
    expect(record).toMatchObject({ maxAppAttempts: 2, keepContainers: true, attemptFailuresValidityIntervalMs: 10_000 });
    expect(detachedReport.applicationTags).toContain('loom-mode:session');

    // Attached, then `detach`: the client releases the lease and exits; the cluster runs on.
    const detaching = k.spawnLoom(['yarn-session', '-nm', 'detached later']);
    const detachedLaterId = await k.waitFor(
      'the second session to run',
      () => /Loom session \S+ is running/.test(detaching.stdout()) && applicationIdIn(detaching.stdout()),
      60_000,
    );
    const detachedLaterSecret = await secretOf(k, detachedLaterId);
    const detachedLaterReport = await k.report(detachedLaterId);
    expect((await leaseOf(detachedLaterReport, detachedLaterSecret)).attached).toBe(true);
    detaching.child.stdin!.end('detach\n');
    const detachedExit = await detaching.exited;
    expect(detachedExit.code, detachedExit.stderr).toBe(0);
    expect(detachedExit.stdout).toContain(`detached; session ${detachedLaterId} keeps running`);
    expect(await leaseOf(detachedLaterReport, detachedLaterSecret)).toMatchObject({ attached: false, 'timeout-ms': HEARTBEAT_TIMEOUT_MS });

    // An attached session, with a TaskExecutor running a job's worth of containers.
    const client = k.spawnLoom(['yarn-session', '-nm', 'attached one']);
    const attachedId = await k.waitFor(
      'the attached session to run',
      () => /Loom session \S+ is running/.test(client.stdout()) && applicationIdIn(client.stdout()),
      60_000,
    );
    const secret = await secretOf(k, attachedId);
    const job = await k.loom(['run', '-c', 'square', '-p', '2', JOBS]);
    expect(job.code, job.stderr).toBe(0);
    expect((await leftovers(k, attachedId)).length).toBeGreaterThanOrEqual(2); // the AM and a TaskExecutor

    // The client heartbeats: the lease is held and renewed past several timeouts.
    const attachedReport = await k.report(attachedId);
    const first = await leaseOf(attachedReport, secret);
    expect(first).toMatchObject({ attached: true, 'timeout-ms': HEARTBEAT_TIMEOUT_MS });
    const later = await k.waitFor('heartbeats renewing the lease for 1.5 timeouts', async () => {
      const lease = await leaseOf(attachedReport, secret);
      return lease['last-heartbeat']! - first['last-heartbeat']! >= HEARTBEAT_TIMEOUT_MS * 1.5 && lease;
    });
    expect(later).toMatchObject({ attached: true });
    expect((await k.report(attachedId)).state).toBe('RUNNING');

    // list-clusters (and yarn-session --list) shows the running clusters with age and dashboard.
    const listed = await k.loom(['list-clusters']);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^APPLICATION ID\s+NAME\s+MODE\s+STATE\s+AGE\s+QUEUE\s+DASHBOARD$/);
    expect(lines).toHaveLength(4);
    const running = [
      [detachedId, 'detached one', detachedReport],
      [detachedLaterId, 'detached later', detachedLaterReport],
      [attachedId, 'attached one', attachedReport],
    ] as const;
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(running.map(([id]) => id)); // oldest first
    for (const [id, name, report] of running) {
      const line = lines.find((l) => l.startsWith(id));
      expect(line, listed.stdout).toMatch(
        new RegExp(`^${id}\\s+${name}\\s+session\\s+RUNNING\\s+(\\d+s|\\d+m \\d\\ds)\\s+default\\s+\\S+$`),
      );
      expect(line!.endsWith(report.trackingUrl)).toBe(true);
      expect(report.trackingUrl).toMatch(/^http:\/\/.+\/proxy\/application_/);
    }
    const viaSession = await k.loom(['yarn-session', '--list']);
    expect(
      viaSession.stdout
        .split('\n')
        .filter((l) => l.startsWith('application_'))
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(running.map(([id]) => id));

    // SIGKILL: no chance to stop anything. The lease ends the cluster.
    client.child.kill('SIGKILL');
    const killedAt = Date.now();
    const deadline = HEARTBEAT_TIMEOUT_MS + 10_000;
    const ended = await k.waitFor(
      'the attached cluster to end',
      async () => {
        const r = await k.report(attachedId);
        return ['FINISHED', 'FAILED', 'KILLED'].includes(r.state) && r;
      },
      deadline,
    );
    expect(ended).toMatchObject({ state: 'FINISHED', finalStatus: 'KILLED' });
    expect(ended.diagnostics).toMatch(/Loom client lease expired: the attached client went silent \(its last lease heartbeat came at \S+Z/);
    expect(ended.diagnostics).toContain('loom.client.heartbeat-timeout is 3 s');
    const left = await k.waitFor(
      'no container of the attached cluster to be left',
      async () => (await leftovers(k, attachedId)).length === 0,
      Math.max(1, killedAt + deadline - Date.now()),
    );
    expect(left).toBe(true);
    // The AM ended it on purpose, so it removed its staging dir.
    await k.waitFor(
      'the staging dir to go',
      async () =>
        !(await k.fs.getFileStatus(`/user/${k.user}/.loom/${attachedId}`).then(
          () => true,
          () => false,
        )),
      10_000,
    );

    // The detached clusters have been without any client far longer than the timeout, and live.
    expect(Date.now() - detachedSince).toBeGreaterThan(2 * HEARTBEAT_TIMEOUT_MS);
    expect((await k.report(detachedId)).state).toBe('RUNNING');
    expect((await k.report(detachedLaterId)).state).toBe('RUNNING');
    const after = await k.loom(['list-clusters']);
    expect(
      after.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual([detachedId, detachedLaterId]);

    for (const id of [detachedId, detachedLaterId]) {
      const stopped = await k.loom(['yarn-session', '-id', id], { stdin: 'stop\n' });
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(await k.report(id)).toMatchObject({ state: 'FINISHED', finalStatus: 'SUCCEEDED' });
    }
    expect((await k.loom(['list-clusters'])).stdout).toContain('no running Loom sessions or other Loom clusters');
  }, 120_000);
});
