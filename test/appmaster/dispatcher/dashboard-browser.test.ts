import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { AmIpFilter, amIpFilterSettings } from '../../../appmaster/dispatcher/am-ip-filter.js';
import { Configuration } from '../../../client/conf/configuration.js';
import { ResourceManagerCore } from '../../../minicluster/resourcemanager/resource-manager-core.js';
import { RmRestServer } from '../../../minicluster/resourcemanager/rest/rm-rest-server.js';
import { bearer, DispatcherKit, http } from './dispatcher-kit.js';
import { FakeClusterControl, jobBody } from './fake-cluster-control.js';
import { launchChromium } from './headless-chromium.js';

/**
 * The dashboard in a real browser (Debian's headless Chromium driven by playwright-core), opened
 * at the AM's address and through the mini cluster's web proxy, over a cluster with a finished
 * job, a failed one whose task was retried, and TaskExecutors running, released and lost.
 * Screenshots land in test-artifacts/dashboard/ (gitignored) for a person to look at.
 */

const TS = 1795460840938;
const APP = `application_${TS}_0001`;
const C = (n: number) => `container_${TS}_0001_01_00000${n}`;
const T0 = Date.now() - 60_000;
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');
const STACK = 'Error: boom\n    at count (bundle.mjs:3:9)\n    at runTask (taskexecutor/task-runner.js:88:21)';

const kit = new DispatcherKit();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  await kit.stopAll();
});

async function cluster() {
  const rm = new ResourceManagerCore({ config: { clusterTimestamp: TS } });
  const rest = new RmRestServer(rm);
  const { port: rmPort } = await rest.start();
  cleanups.push(() => rest.stop());
  const logDir = mkdtempSync(join(tmpdir(), 'loom-am-logs-'));
  cleanups.push(() => rmSync(logDir, { recursive: true, force: true }));
  writeFileSync(join(logDir, 'appmaster.stderr'), 'ApplicationMaster starting\nREST API and dashboard listening on 127.0.0.1:1234\n');
  writeFileSync(join(logDir, 'appmaster.stdout'), 'main() says hello\n');

  const conf = Configuration.withDefaults({}).set('yarn.resourcemanager.webapp.address', `localhost:${rmPort}`);
  const control = new FakeClusterControl(T0);
  let secret = '';
  const d = await kit.start({
    control,
    proxyFilter: new AmIpFilter(amIpFilterSettings(conf, { APPLICATION_WEB_PROXY_BASE: `/proxy/${APP}` })),
    more: {
      amLogDir: logDir,
      containerLogUser: 'tester',
      effectiveConfig: () => [
        { key: 'loom.taskexecutor.slots', value: '2', source: 'loom', origin: 'default' },
        { key: 'loom.ha.store.password', value: 'hunter2', source: 'loom', origin: 'loom.yaml' },
        { key: 'loom.note', value: `token in a value ${secret}`, source: 'loom', origin: 'loom.yaml' },
        { key: 'fs.defaultFS', value: 'hdfs://localhost:9000', source: 'hadoop', origin: 'core-site.xml' },
        { key: 'hadoop.security.credential.provider.path', value: 'jceks://file/x', source: 'hadoop', origin: 'core-site.xml' },
      ],
    },
  });
  secret = d.secret;

  control.addTaskExecutor(C(2), 2, 1);
  control.history.push(
    { id: C(2), host: 'node-a', nodeHttpAddress: 'node-a:8042', slots: 2, memoryMb: 1024, state: 'running', startTime: T0 + 400 },
    {
      id: C(3),
      host: 'node-b',
      nodeHttpAddress: 'node-b:8042',
      slots: 2,
      memoryMb: 1024,
      state: 'released',
      reason: 'idle for more than 30000 ms',
      startTime: T0 + 500,
      endTime: T0 + 40_000,
    },
    {
      id: C(4),
      host: 'node-c',
      nodeHttpAddress: 'node-c:8042',
      slots: 2,
      memoryMb: 1024,
      state: 'lost',
      reason: 'no heartbeat for more than 20000 ms',
      startTime: T0 + 1000,
      endTime: T0 + 9000,
    },
  );
  const submit = async (name: string, parallelism: number) =>
    (
      await http(d.port, 'POST', '/jobs', {
        headers: { ...bearer(d.secret), 'Content-Type': 'application/json' },
        body: JSON.stringify(jobBody({ name, parallelism })),
      })
    ).json().jobid as string;
  const running = await submit('running job', 2);
  control.setTask(running, 0, 'RUNNING', {
    attempt: 1,
    taskExecutorId: C(2),
    host: 'node-a',
    startTime: T0 + 1000,
    progress: { fraction: 0.4, message: 'reading part-3', time: T0 + 1500 },
  });
  const finished = await submit('<b>word count</b>', 2);
  const failed = await submit('failing job', 2);
  control.finishJob(finished);
  for (const i of [0, 1])
    control.setTask(finished, i, 'FINISHED', {
      attempt: 1,
      taskExecutorId: C(2),
      host: 'node-a',
      nodeHttpAddress: 'node-a:8042',
      startTime: T0 + 1000 + i * 200,
      endTime: T0 + 2500 + i * 300,
    });
  control.setTask(failed, 0, 'FINISHED', { attempt: 1, taskExecutorId: C(2), host: 'node-a', startTime: T0 + 2100, endTime: T0 + 3000 });
  control.setTask(failed, 1, 'FAILED', {
    attempt: 2,
    taskExecutorId: C(2),
    host: 'node-a',
    nodeHttpAddress: 'node-a:8042',
    startTime: T0 + 2800,
    endTime: T0 + 3400,
    error: STACK,
    previousAttempts: [
      {
        attempt: 1,
        state: 'FAILED',
        containerId: C(4),
        host: 'node-c',
        startTime: T0 + 2100,
        endTime: T0 + 2600,
        error: `TaskExecutor ${C(4)} was lost: no heartbeat for more than 20000 ms`,
      },
    ],
  });
  control.failJob(failed, `task 1 (attempt 2) failed on TaskExecutor ${C(2)}: ${STACK}`);

  const node = rm.registerNode({ port: 45454, httpPort: 8042, capability: { memory: 8192, virtual_cores: 8 } });
  rm.submitApplication(
    {
      application_id: { id: 1, cluster_timestamp: TS },
      application_name: 'loom',
      queue: 'default',
      resource: { memory: 1024, virtual_cores: 1 },
      applicationType: 'Loom',
    },
    'root',
  );
  rm.nodeHeartbeat(node);
  rm.amContainerLaunched(`container_${TS}_0001_01_000001`);
  rm.registerApplicationMaster(`appattempt_${TS}_0001_000001`, {
    host: '127.0.0.1',
    rpc_port: d.port,
    tracking_url: `http://127.0.0.1:${d.port}/`,
  });
  return { ...d, rmPort, finished, failed, running };
}

/** One line of GET /jobs/:id/tasks/:index/output (the contract's TaskOutputLineJson). */
interface TaskOutputLineJson {
  seq: number;
  time: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** What the task output route (helper O1's) answers for task 1: stubbed here, so the panel's rendering is what is tested. */
function outputLines(): TaskOutputLineJson[] {
  return [
    { seq: 0, time: new Date(T0 + 2900).toISOString(), stream: 'stdout', text: 'counting words in part 1' },
    { seq: 1, time: new Date(T0 + 3000).toISOString(), stream: 'stderr', text: 'warning: <i>not html</i>' },
  ];
}

async function stubOutput(page: Page, jobId: string): Promise<string[]> {
  const asked: string[] = [];
  await page.route('**/tasks/*/output**', async (route) => {
    asked.push(new URL(route.request().url()).pathname + new URL(route.request().url()).search);
    await route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        jobId,
        taskIndex: 1,
        attempt: 2,
        lines: outputLines(),
        next: 2,
        ended: true,
        dropped: 0,
        containerId: C(2),
        host: 'node-a',
        nodeHttpAddress: 'node-a:8042',
      }),
    });
  });
  return asked;
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function polled(page: Page): Promise<void> {
  await page.waitForSelector('body[data-polled]', { timeout: 15_000 });
}

describe('the dashboard in headless Chromium', () => {
  it('shows jobs, task attempts, timeline, output, TaskExecutors, exceptions, AM log and redacted configuration, directly and through the web proxy', async () => {
    const c = await cluster();
    const browser = await launchChromium();
    try {
      for (const [where, pageUrl] of [
        ['direct', `http://127.0.0.1:${c.port}/`],
        ['proxy', `http://localhost:${c.rmPort}/proxy/${APP}/`],
      ] as const) {
        const page = await browser.context.newPage();
        const pageErrors: string[] = [];
        page.on('pageerror', (e) => pageErrors.push(e.message));
        const asked = await stubOutput(page, c.failed);
        await page.goto(pageUrl);
        await polled(page);
        expect(await page.textContent('#app')).toBe('application_1795460840938_0010');

        // Jobs: newest first, names as text.
        const jobRows = page.locator('tr.job');
        await expect.poll(() => jobRows.count()).toBe(3);
        expect(await jobRows.nth(1).textContent()).toContain('<b>word count</b>');
        // A running job shows its progress: the mean of its tasks' (0.4 and nothing yet).
        const jobMeter = jobRows.nth(2).locator('[role="progressbar"]');
        expect(await jobMeter.getAttribute('aria-valuenow')).toBe('20');
        expect(await jobMeter.getAttribute('aria-label')).toBe('progress of job running job');

        // The keyboard reaches the job rows: Tab from the top of the page lands on a job's button, Enter opens it.
        let focused = '';
        for (let i = 0; i < 15 && !focused.startsWith('job-'); i++) {
          await page.keyboard.press('Tab');
          focused = (await page.locator(':focus').getAttribute('data-key')) ?? (await page.locator(':focus').getAttribute('id')) ?? '';
        }
        expect(focused).toBe(`job-${c.failed}`);
        const outline = await page
          .locator(':focus')
          .evaluate(
            (e) => (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(e).outlineStyle,
          );
        expect(outline).toBe('solid');
        await page.keyboard.press('Enter');
        await page.waitForSelector('#job-detail-title');
        expect(await page.textContent('#job-detail-title')).toContain('failing job');
        // Focus stays on the job's button across re-renders.
        expect(await page.locator(':focus').getAttribute('data-key')).toBe(`job-${c.failed}`);

        // Task rows: each attempt with its TaskExecutor, host and error; the earlier attempt's too.
        const rows = await page.locator('#job-detail tbody tr').allTextContents();
        expect(rows).toHaveLength(3);
        expect(rows[0]).toMatch(new RegExp(`task 0FINISHED1${C(2)}node-a`));
        expect(rows[1]).toMatch(new RegExp(`task 1FAILED2${C(2)}node-a`));
        expect(rows[1]).toContain('Error: boom');
        expect(rows[2]).toMatch(new RegExp(`earlierFAILED1${C(4)}node-c`));
        expect(rows[2]).toContain('was lost: no heartbeat');
        // The stack opens under the error's first line.
        await page.locator('#job-detail tbody tr').nth(1).locator('summary').click();
        expect(await page.locator('#job-detail tbody tr').nth(1).locator('pre.stack').textContent()).toContain('at count (bundle.mjs:3:9)');
        // The timeline: one bar per attempt that ran, placed within the job's span.
        expect(await page.locator('.timeline .bar').count()).toBe(3);
        expect(await page.locator('.timeline .bar.FAILED').count()).toBe(2);
        expect(await page.locator('.timeline .bar.FINISHED').getAttribute('aria-label')).toMatch(
          /^task 0 attempt 1: FINISHED, 900 ms on node-a$/,
        );
        // The raw output link is relative (stays under the proxy's prefix).
        expect(await page.locator('#job-detail tbody tr').nth(1).locator('a').getAttribute('href')).toBe(
          `jobs/${c.failed}/tasks/1/output?attempt=2`,
        );

        // The output panel: lines as text, stderr marked.
        await page.locator('[data-key="out-1-2"]').click();
        await page.waitForSelector('#output-panel li');
        expect(await page.locator('#output-panel li').allTextContents()).toEqual([
          expect.stringMatching(/stdoutcounting words in part 1$/),
          expect.stringMatching(/stderrwarning: <i>not html<\/i>$/),
        ]);
        expect(await page.locator('#output-panel li.stderr').count()).toBe(1);
        expect(await page.locator('#output-panel i').count()).toBe(0);
        expect(await page.textContent('#output-panel [role="status"]')).toContain('Attempt ended; 2 line(s)');
        const prefix = where === 'proxy' ? `/proxy/${APP}` : '';
        expect(asked[0]).toBe(`${prefix}/jobs/${c.failed}/tasks/1/output?attempt=2&after=-1`);
        await shot(page, `${where}-jobs`);

        // TaskExecutors: released and lost ones too, with the NodeManager's container log page.
        await page.click('#tab-taskexecutors');
        const tes = await page.locator('#taskexecutors tbody tr').allTextContents();
        expect(tes).toHaveLength(3);
        expect(tes[0]).toMatch(new RegExp(`^${C(2)}node-arunning1 free of 21024 MiB`));
        expect(tes[1]).toMatch(new RegExp(`^${C(3)}node-breleasedidle for more than 30000 ms2`));
        expect(tes[2]).toMatch(new RegExp(`^${C(4)}node-clostno heartbeat`));
        expect(await page.locator('#taskexecutors tbody tr').nth(1).locator('a').getAttribute('href')).toBe(
          `http://node-b:8042/node/containerlogs/${C(3)}/tester`,
        );
        await shot(page, `${where}-taskexecutors`);

        // Exceptions, newest first: the job's root failure, then the task attempts that failed.
        await page.click('#tab-exceptions');
        const ex = await page.locator('#exceptions tbody tr').allTextContents();
        expect(ex).toHaveLength(3);
        expect(ex[0]).toContain('job failure');
        expect(ex[0]).toContain(c.failed);
        expect(ex[1]).toMatch(new RegExp(`task failure12node-a${C(2)}Error: boom`));
        expect(ex[2]).toMatch(new RegExp(`task failure11node-c${C(4)}TaskExecutor`));
        await shot(page, `${where}-exceptions`);

        // A running task's progress (task.progress): a progress bar with the fraction and the task's message.
        await page.click('#tab-jobs');
        await page.locator(`[data-key="job-${c.running}"]`).click();
        await expect.poll(() => page.textContent('#job-detail-title')).toContain('running job');
        const taskMeter = page.locator('#job-detail [role="progressbar"]');
        await expect.poll(() => taskMeter.count()).toBe(1);
        expect(await taskMeter.getAttribute('aria-valuenow')).toBe('40');
        expect(await taskMeter.getAttribute('aria-valuetext')).toBe('40%, reading part-3');
        expect(await page.locator('#job-detail tbody tr').nth(0).textContent()).toContain('40% reading part-3');
        await shot(page, `${where}-progress`);

        // The AM's own log: appmaster.stderr first.
        await page.click('#tab-amlog');
        await expect.poll(() => page.textContent('#amlog-text')).toContain('REST API and dashboard listening');
        await page.click('[data-key="log-appmaster.stdout"]');
        await expect.poll(() => page.textContent('#amlog-text')).toBe('main() says hello\n');
        await shot(page, `${where}-amlog`);

        // The configuration: secrets redacted, the cluster secret nowhere on the page.
        await page.click('#tab-config');
        await page.waitForSelector('tr.config-entry');
        const config = Object.fromEntries(
          (await page.locator('tr.config-entry').all()).length
            ? await Promise.all(
                (await page.locator('tr.config-entry').all()).map(async (r) => [
                  await r.locator('td').nth(0).textContent(),
                  await r.locator('td').nth(1).textContent(),
                ]),
              )
            : [],
        );
        expect(config).toEqual({
          'loom.taskexecutor.slots': '2',
          'loom.ha.store.password': '******',
          'loom.note': '******',
          'fs.defaultFS': 'hdfs://localhost:9000',
          'hadoop.security.credential.provider.path': '******',
        });
        expect(await page.content()).not.toContain(c.secret);
        await page.fill('#config-filter', 'defaultfs');
        expect(await page.locator('tr.config-entry').count()).toBe(1);
        await shot(page, `${where}-config`);

        expect(pageErrors).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 90_000);
});
