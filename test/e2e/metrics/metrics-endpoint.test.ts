// The AM's /metrics on the mini cluster, read as Prometheus reads it (a bearer token, the text
// format 0.0.4) and parsed strictly: every line well formed, every family typed once before its
// samples; a job moves the task, container and REST counters, and the TaskExecutors' own numbers
// arrive through their heartbeats under a `taskexecutor` label.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readSessionProperties } from '../../../client/deploy/submit/properties-file.js';
import { applicationIdIn, startSessionKit, type SessionKit } from '../session-kit.js';
import { parsePrometheusText, sampleValue, type ParsedFamily } from '../../appmaster/metrics/prometheus-text-parser.js';

const JOBS = join(import.meta.dirname, '..', 'jobs', 'test-jobs.mjs');

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

async function scrape(rest: string, secret: string): Promise<Map<string, ParsedFamily>> {
  const res = await fetch(`${rest}/metrics`, { headers: { Authorization: `Bearer ${secret}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheusText(await res.text());
}

describe("the AM's /metrics", () => {
  it('parses strictly, moves with a job, and carries the TaskExecutors numbers; loom info prints the headline', async () => {
    kit = await startSessionKit();
    const started = await kit.loom(['yarn-session', '-d']);
    expect(started.code, started.stderr).toBe(0);
    const appId = applicationIdIn(started.stdout);
    const report = await kit.report(appId);
    const rest = `http://${report.host}:${report.rpcPort}`;
    const { secret } = (await readSessionProperties(join(kit.dir, `.loom-session-${kit.user}`)))!;

    // Without the secret, from a host that is not the proxy: sent to the proxy, never served.
    expect((await fetch(`${rest}/metrics`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);

    const before = await scrape(rest, secret);
    for (const f of before.values()) {
      expect(f.name).toMatch(/^loom_[a-z0-9_]+$/);
      expect(f.help, f.name).toBeTruthy();
      if (f.type === 'counter') expect(f.name).toMatch(/_total$/);
    }
    expect([...before.keys()]).toEqual(
      expect.arrayContaining([
        'loom_jobs',
        'loom_tasks',
        'loom_task_attempts_started_total',
        'loom_slots',
        'loom_slots_free',
        'loom_taskexecutors',
        'loom_taskexecutors_lost_total',
        'loom_container_asks',
        'loom_container_allocations_total',
        'loom_container_failures_total',
        'loom_rm_heartbeat_duration_seconds',
        'loom_ha_store_write_duration_seconds',
        'loom_rest_request_duration_seconds',
        'loom_process_resident_memory_bytes',
        'loom_process_heap_used_bytes',
        'loom_process_cpu_seconds_total',
        'loom_uptime_seconds',
      ]),
    );
    expect(sampleValue(before, 'loom_process_resident_memory_bytes')).toBeGreaterThan(1024 * 1024);
    expect(before.get('loom_rm_heartbeat_duration_seconds')!.samples.length).toBeGreaterThan(0);

    const job = await kit.loom(['run', '-c', 'square', '-p', '2', JOBS]);
    expect(job.code, job.stderr).toBe(0);

    const after = await scrape(rest, secret);
    expect(sampleValue(after, 'loom_jobs', { state: 'FINISHED' })).toBe(sampleValue(before, 'loom_jobs', { state: 'FINISHED' }) + 1);
    expect(sampleValue(after, 'loom_tasks', { state: 'FINISHED' })).toBe(sampleValue(before, 'loom_tasks', { state: 'FINISHED' }) + 2);
    expect(sampleValue(after, 'loom_task_attempts_started_total')).toBe(sampleValue(before, 'loom_task_attempts_started_total') + 2);
    expect(sampleValue(after, 'loom_task_attempts_ended_total', { state: 'finished' })).toBe(2);
    expect(sampleValue(after, 'loom_container_allocations_total')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, 'loom_taskexecutors', { state: 'registered' })).toBe(1);
    expect(sampleValue(after, 'loom_slots')).toBe(2);
    expect(sampleValue(after, 'loom_rest_request_duration_seconds_count', { route: '/jobs', method: 'POST', status: '202' })).toBe(1);
    expect(sampleValue(after, 'loom_rest_request_duration_seconds_count', { route: '/metrics', method: 'GET', status: '200' })).toBe(1);

    // The TaskExecutor reports itself in its heartbeats (every 2 s): its tasks, memory and CPU.
    const reported = await kit.waitFor('the TaskExecutor to report its tasks', async () => {
      const m = await scrape(rest, secret);
      const tasks = m.get('loom_taskexecutor_tasks_total')?.samples.filter((s) => s.labels.state === 'finished') ?? [];
      return tasks.length === 1 && tasks[0].value === 2 ? m : undefined;
    });
    const te = reported.get('loom_taskexecutor_resident_memory_bytes')!.samples;
    expect(te).toHaveLength(1);
    expect(te[0].labels.taskexecutor).toMatch(/^container_/);
    expect(te[0].value).toBeGreaterThan(1024 * 1024);
    expect(sampleValue(reported, 'loom_taskexecutor_result_bytes_total')).toBeGreaterThan(0);
    expect(sampleValue(reported, 'loom_taskexecutor_cpu_seconds_total')).toBeGreaterThan(0);

    const info = await kit.loom(['info']);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/Tasks: +0 running, 0 waiting, 2 finished, 0 failed; 2 attempts started/);
    // The idle TaskExecutor may be released by now (loom.taskexecutor.idle-timeout).
    expect(info.stdout).toMatch(/Slots: +0\/[02] in use; TaskExecutors [01] registered, 0 starting, [01] lost/);
    expect(info.stdout).toMatch(/AM memory: +\d+\.\d MiB resident, \d+\.\d MiB heap used/);

    const stopped = await kit.loom(['yarn-session', '-id', appId], { stdin: 'stop\n' });
    expect(stopped.code, stopped.stderr).toBe(0);
  }, 90_000);
});
