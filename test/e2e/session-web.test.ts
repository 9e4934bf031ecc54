// The session's web side: the REST API needs the secret; the dashboard opens through the mini
// cluster's web proxy at the tracking URL, read-only, and lists the running TaskExecutors.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { request } from 'node:http';
import { rm } from 'node:fs/promises';
import { readSessionProperties } from '../../client/deploy/submit/properties-file.js';
import { applicationIdIn, startSessionKit, type SessionKit } from './session-kit.js';

const JOBS = join(import.meta.dirname, 'jobs', 'test-jobs.mjs');

let kit: SessionKit | undefined;

/** A GET sent from `localAddress` (node:http binds the client socket there; fetch cannot). */
function getFrom(
  localAddress: string,
  url: string,
  authorization?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, family: 4, headers: authorization ? { Authorization: authorization } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

describe('the session over HTTP', () => {
  it('refuses REST calls without the secret and serves the dashboard read-only through the web proxy', async () => {
    kit = await startSessionKit();
    const started = await kit.loom(['yarn-session', '-d']);
    expect(started.code, started.stderr).toBe(0);
    const appId = applicationIdIn(started.stdout);
    const report = await kit.report(appId);
    const rest = `http://${report.host}:${report.rpcPort}`;
    const { secret } = (await readSessionProperties(join(kit.dir, `.loom-session-${kit.user}`)))!;

    // Direct REST calls from a host that is not YARN's web proxy (127.0.0.2: on the mini cluster
    // the proxy is 127.0.0.1, which the AM trusts for read-only pages, as Hadoop's AmIpFilter does).
    // Without the secret a read is not served but sent to the proxy (AmIpFilter's redirect).
    const none = await getFrom('127.0.0.2', `${rest}/overview`);
    expect(none.status).toBe(302);
    expect(none.headers.location).toBe(`http://${kit.cluster.webAddress}/proxy/redirect/${appId}/overview`);
    expect((await getFrom('127.0.0.2', `${rest}/overview`, `Bearer ${'x'.repeat(43)}`)).status).toBe(401);
    const right = await getFrom('127.0.0.2', `${rest}/overview`, `Bearer ${secret}`);
    expect(right.status).toBe(200);
    expect(JSON.parse(right.body)).toMatchObject({ 'application-id': appId, mode: 'session' });
    // Anything that changes the cluster needs the secret, whoever asks.
    const submit = await fetch(`${rest}/jobs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(submit.status).toBe(401);
    expect(JSON.stringify(await submit.json())).toMatch(/needs the cluster secret/);
    expect((await fetch(`${rest}/cluster`, { method: 'DELETE' })).status).toBe(401);
    expect((await kit.report(appId)).state).toBe('RUNNING');

    // TaskExecutors to show: a job of parallelism 2 starts one with 2 slots.
    const job = await kit.loom(['run', '-c', 'square', '-p', '2', JOBS]);
    expect(job.code, job.stderr).toBe(0);

    // Through YARN's web proxy at the tracking URL, without the secret: the page and its data.
    expect(report.trackingUrl).toBe(`http://${kit.cluster.webAddress.replace('127.0.0.1', 'localhost')}/proxy/${appId}/`);
    const page = await fetch(report.trackingUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/<html[\s\S]*taskmanagers/i);
    const executors = (await (await fetch(`${report.trackingUrl}taskmanagers`)).json()) as {
      taskmanagers: { id: string; slotsNumber: number }[];
    };
    expect(executors.taskmanagers).toHaveLength(1);
    expect(executors.taskmanagers[0]).toMatchObject({ id: expect.stringMatching(/^container_/), slotsNumber: 2 });
    // Read-only: the proxy refuses POST and DELETE, so nobody can submit or shut down through it.
    expect((await fetch(`${report.trackingUrl}jobs`, { method: 'POST', body: '{}' })).status).toBe(405);
    expect((await fetch(`${report.trackingUrl}cluster`, { method: 'DELETE' })).status).toBe(405);

    // Without the properties file, the user's one running session (found through YARN) and its
    // secret (in the owner-only staging dir on HDFS), said so on stderr; -Dyarn.application.id names it.
    await rm(join(kit.dir, `.loom-session-${kit.user}`));
    const found = await kit.loom(['list']);
    expect(found.code, found.stderr).toBe(0);
    expect(found.stderr).toContain(`using session ${appId}, the only Loom session of yours that is running`);
    expect(found.stdout).toContain(`session ${appId}: 1 job`);
    const byId = await kit.loom(['list', `-Dyarn.application.id=${appId}`]);
    expect(byId.code, byId.stderr).toBe(0);
    expect(byId.stdout).toContain(`session ${appId}: 1 job`);

    const stopped = await kit.loom(['yarn-session', '-id', appId], { stdin: 'stop\n' });
    expect(stopped.code, stopped.stderr).toBe(0);
  }, 60_000);
});
