// The CLIs' bad-input suite (issue 13, "Must show"): every case of bad-input-cases.ts runs as a
// real `node bin/loom.js` / `node bin/yarn-session.js` process (npm test builds dist/ first),
// six at a time, each stopped (its whole process group) after 15 s at the latest.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMiniCluster, type MiniCluster } from '../../minicluster/mini-cluster.js';
import { BAD_INPUT_CASES, caseName, type BadInputCase, type Setup } from './bad-input-cases.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BINS = { loom: join(ROOT, 'bin', 'loom.js'), 'yarn-session': join(ROOT, 'bin', 'yarn-session.js') };
/** The issue's bound: every case ends (or shows its first retry line) within 15 s. */
const BOUND_MS = 15_000;
/** Most cases spend their time starting Node.js (CPU), a few waiting on a dead server (idle). */
const PARALLEL = 6;
vi.setConfig({ maxConcurrency: PARALLEL });
/** Shared with the e2e tests: the runtime archive a session upload needs is built once. */
const RUNTIME_CACHE = join(tmpdir(), 'loom-e2e-runtime-cache');

interface Outcome {
  /** Exit code; null when the runner had to kill the process. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The first stderr line that looked like a retry line, if the case waited for one. */
  retryLine?: string;
}

/** At most `n` tasks at a time. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A copy of `from` with every `address` in its site files moved to `replacement`. */
async function confDirWith(from: string, to: string, address: string, replacement: string): Promise<string> {
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from)) {
    const text = await readFile(join(from, name), 'utf8');
    await writeFile(join(to, name), text.split(address).join(replacement));
  }
  return to;
}

const siteFile = (props: Record<string, string>): string =>
  `<?xml version="1.0"?>\n<configuration>\n${Object.entries(props)
    .map(([k, v]) => `  <property><name>${k}</name><value>${v}</value></property>\n`)
    .join('')}</configuration>\n`;

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Runs one case's process in its own process group. `waitForRetry`: resolve as soon as stderr
 * shows a line matching it (then the group is killed), else at the exit or the 15 s bound.
 */
function runCli(
  bin: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  waitForRetry?: (line: string) => boolean,
): Promise<Outcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...argv], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let retryLine: string | undefined;
    let killed = false;
    const stop = () => {
      killed = true;
      killGroup(child);
    };
    const timer = setTimeout(stop, BOUND_MS);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (waitForRetry && retryLine === undefined) {
        retryLine = stderr.split('\n').slice(0, -1).find(waitForRetry);
        if (retryLine !== undefined) stop();
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolvePromise({ code: killed ? null : code, stdout, stderr, ...(retryLine !== undefined ? { retryLine } : {}) });
    });
  });
}

/** `loom run:`, `loom yarn application -status:`, `yarn-session:`, `loom:`: what a line of this command starts with. */
function commandPrefix(c: BadInputCase): string {
  if (c.bin === 'yarn-session') return 'yarn-session';
  const command = c.argv.find((a) => !a.startsWith('-'));
  return command !== undefined && KNOWN_COMMANDS.has(command) ? `loom ${command}` : 'loom';
}

const KNOWN_COMMANDS = new Set([
  'fs',
  'yarn',
  'yarn-session',
  'run',
  'list',
  'cancel',
  'info',
  'run-application',
  'minicluster',
  'upload-runtime',
  'list-clusters',
]);
const STACK_FRAME = /^\s+at /m;
/** `Error: `, `TypeError: `, `RangeError: `...: a class name where a person expects words. */
const ERROR_CLASS_PREFIX = /(^|\s)[A-Z]?[A-Za-z]*Error: /;

describe.concurrent('bad input to the CLIs ends within 15 s with one line naming the problem and the fix', () => {
  let work: string;
  let cluster: MiniCluster | undefined;
  let dead: number;
  const envs = new Map<Setup, NodeJS.ProcessEnv>();
  const limit = limiter(PARALLEL);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'loom-bad-input-'));
    const home = join(work, 'home');
    const cwd = join(work, 'cwd');
    await mkdir(home);
    await mkdir(cwd);
    await mkdir(join(work, 'empty'));
    await writeFile(join(cwd, 'prog.mjs'), 'export default async function main(ctx) { return ctx.args.length; }\n');
    await writeFile(join(cwd, 'data.txt'), 'some words\n');
    dead = await closedPort();

    // Nothing from the test's own environment: no HADOOP_CONF_DIR, LOOM_CONF_DIR, NODE_OPTIONS...
    const base: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      TMPDIR: work,
      HADOOP_USER_NAME: userInfo().username,
      LOOM_CACHE_DIR: RUNTIME_CACHE,
    };

    const offline = join(work, 'conf-offline');
    await mkdir(offline);
    await writeFile(join(offline, 'core-site.xml'), siteFile({ 'fs.defaultFS': `webhdfs://127.0.0.1:${dead}` }));
    await writeFile(
      join(offline, 'yarn-site.xml'),
      siteFile({ 'yarn.resourcemanager.address': `127.0.0.1:${dead}`, 'yarn.resourcemanager.scheduler.address': `127.0.0.1:${dead}` }),
    );
    envs.set('offline', { ...base, HADOOP_CONF_DIR: offline });
    envs.set('no-conf', base);
    envs.set('conf-dir-missing', { ...base, HADOOP_CONF_DIR: join(work, 'missing') });
    envs.set('conf-dir-empty', { ...base, HADOOP_CONF_DIR: join(work, 'empty') });

    if (BAD_INPUT_CASES.some((c) => ['cluster', 'dead-rm', 'dead-nn'].includes(c.setup))) {
      // At most 4 vcores and 4096 MB per container, so -s 9 and -tm 8g are out of range here.
      cluster = await startMiniCluster({
        nodes: 1,
        heartbeatMs: 50,
        hdfsLatency: 'none',
        rmConfig: { minimumAllocationMb: 128, maximumAllocationMb: 4096, maximumAllocationVcores: 4 },
      });
      const loomConf = join(work, 'loom-conf');
      await mkdir(loomConf);
      const loomYaml = {
        'loom.node.path': process.execPath,
        'jobmanager.memory.process.size': '512m',
        'taskmanager.memory.process.size': '512m',
        'yarn.properties-file.location': work,
      };
      await writeFile(
        join(loomConf, 'loom.yaml'),
        Object.entries(loomYaml)
          .map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`)
          .join(''),
      );
      const nameNode = new URL(cluster.defaultFs).host;
      envs.set('cluster', { ...base, HADOOP_CONF_DIR: cluster.confDir, LOOM_CONF_DIR: loomConf });
      envs.set('dead-rm', {
        ...base,
        LOOM_CONF_DIR: loomConf,
        HADOOP_CONF_DIR: await confDirWith(cluster.confDir, join(work, 'conf-dead-rm'), cluster.rmAddress, `127.0.0.1:${dead}`),
      });
      envs.set('dead-nn', {
        ...base,
        LOOM_CONF_DIR: loomConf,
        HADOOP_CONF_DIR: await confDirWith(cluster.confDir, join(work, 'conf-dead-nn'), nameNode, `127.0.0.1:${dead}`),
      });
    }
  }, 60_000);

  afterAll(async () => {
    for (const child of running) killGroup(child);
    await cluster?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }, 60_000);

  for (const c of BAD_INPUT_CASES) {
    it(
      caseName(c),
      async () => {
        const fill = (s: string) =>
          s
            .replaceAll('{dead}', String(dead))
            .replaceAll('{missingDir}', join(work, 'missing'))
            .replaceAll('{emptyDir}', join(work, 'empty'));
        const env = envs.get(c.setup)!;
        const argv = c.argv.map(fill);
        const e = c.expect;
        const address = `127.0.0.1:${dead}`;
        const isRetryLine = (setting: string) => (line: string) =>
          line.includes(address) && line.includes(setting) && /attempt|tried|retry|retrying/i.test(line);
        const outcome = await limit(() =>
          runCli(BINS[c.bin], argv, env, join(work, 'cwd'), e.kind === 'retries' ? isRetryLine(e.setting) : undefined),
        );
        const shown = `exit ${outcome.code}\n--- stdout\n${outcome.stdout}--- stderr\n${outcome.stderr}`;
        const lines = outcome.stderr.trim().split('\n');
        const prefix = commandPrefix(c);

        expect(outcome.stdout, shown).toBe('');
        expect(outcome.stderr, shown).not.toMatch(STACK_FRAME);
        if (e.kind === 'retries') {
          expect(outcome.retryLine, `no retry line naming ${address} and ${e.setting} within 15 s\n${shown}`).toBeDefined();
          return;
        }
        expect(outcome.code, `did not end within 15 s\n${shown}`).not.toBeNull();
        expect(outcome.code, shown).not.toBe(0);
        const last = lines.at(-1)!;
        expect(last.startsWith(`${prefix}:`) || last.startsWith(`${prefix} `), `"${last}" does not start with "${prefix}"\n${shown}`).toBe(
          true,
        );
        expect(last, shown).not.toMatch(ERROR_CLASS_PREFIX);
        expect(last, shown).not.toMatch(/^error: /);
        if (e.kind === 'refused') {
          if (e.code !== undefined) expect(outcome.code, shown).toBe(e.code);
          expect(lines, `stderr is not one line\n${shown}`).toHaveLength(1);
          for (const m of e.mentions) expect(last, shown).toContain(fill(m));
          return;
        }
        // gives-up: retry lines, then the one line that ends it.
        expect(lines.length, `no retry line before the end\n${shown}`).toBeGreaterThan(1);
        expect(isRetryLine(e.setting)(lines[0]), `the first line is not a retry line naming ${address} and ${e.setting}\n${shown}`).toBe(
          true,
        );
        for (const l of lines.slice(0, -1)) expect(l, shown).toContain(address);
        expect(last, shown).toContain(address);
      },
      60_000,
    );
  }
});
