import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFixture } from '../../support/fixtures.js';
import { ContainerExecutor } from '../../../minicluster/nodemanager/container-process.js';
import type { ContainerLaunchSpec } from '../../../minicluster/nodemanager/launch-script.js';
import { MemoryMonitor } from '../../../minicluster/nodemanager/memory-monitor.js';
import { waitFor } from '../mini-cluster-kit.js';

const APP = 'application_1795460840938_0042';
let seq = 0;
let root: string;
let executor: ContainerExecutor;
let monitor: MemoryMonitor | undefined;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'loom-nm-'));
  executor = new ContainerExecutor();
});

afterEach(async () => {
  monitor?.stop();
  monitor = undefined;
  await executor.shutdown();
  await rm(root, { recursive: true, force: true });
});

function spec(command: string, environment: [string, string][] = []): ContainerLaunchSpec {
  const containerId = `container_1795460840938_0042_01_${String(++seq).padStart(6, '0')}`;
  const localDir = join(root, 'nm-local');
  return {
    containerId,
    appId: APP,
    user: 'loom',
    workDir: join(localDir, 'usercache/loom/appcache', APP, containerId),
    logDir: join(root, 'nm-logs', APP, containerId),
    localDir,
    nmHost: 'localhost',
    nmPort: 45454,
    nmHttpPort: 8042,
    localizationCounters: { bytesMissed: 0, bytesCached: 0, filesMissed: 0, filesCached: 0, ms: 0 },
    environment,
    commands: [command],
    links: [],
    // The NM's own PATH is whitelisted, as on the recorded cluster; bash's default still wins.
    nmWhitelistEnv: [['PATH', process.env.PATH ?? '/usr/bin']],
  };
}

function launch(s: ContainerLaunchSpec) {
  return executor.launch({
    spec: s,
    tokens: Buffer.from('HDTS\x00\x00\x00', 'latin1'),
    nmPrivateDir: join(root, 'nm-local/nmPrivate', APP, s.containerId),
  });
}

/** Recorded diagnostics with timestamps and ids made comparable. */
function normalize(text: string, containerId: string): string {
  const stamped = text.replace(/\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\]/g, '[TS]');
  return containerId ? stamped.replaceAll(containerId, 'CONTAINER') : stamped;
}

function recordedContainerDiagnostics(file: string): string {
  const text = readFixture(file).toString('utf8');
  return text.slice(text.indexOf('Diagnostics: ') + 'Diagnostics: '.length, text.indexOf('For more detailed output'));
}

function processGone(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state === 'Z';
  } catch {
    return true;
  }
}

describe('container process', () => {
  it('gets the env var with quotes and $ as the recorded container did, PATH = bash default', async () => {
    const s = spec('env 1><LOG_DIR>/stdout', [['PROBE_AM_ENV', 'x y "quoted" $dollar']]);
    const done = await (await launch(s)).completion;
    expect(done).toEqual({ containerId: s.containerId, state: 'C_COMPLETE', exitStatus: 0, diagnostics: '' });
    const env = (await readFile(join(s.logDir, 'stdout'), 'utf8')).split('\n');
    const recorded = readFixture('containers/probe-am/am-stdout.txt').toString('utf8').split('\n');
    const recordedLine = (name: string) => recorded.find((l) => l.startsWith(`ENV ${name}=`))!.slice(4);
    expect(env).toContain(recordedLine('PROBE_AM_ENV'));
    expect(env).toContain(recordedLine('PATH'));
    expect(env).not.toContain(`PATH=${process.env.PATH}`);
    expect(env).toContain(`CONTAINER_ID=${s.containerId}`);
    expect(env).toContain(`HADOOP_TOKEN_FILE_LOCATION=${s.workDir}/container_tokens`);
    // Nothing of the test process's environment leaks in.
    expect(env.some((l) => l.startsWith('VITEST'))).toBe(false);
    expect(await readFile(join(s.workDir, 'container_tokens'), 'latin1')).toBe('HDTS\x00\x00\x00');
    expect(await readFile(join(s.logDir, 'launch_container.sh'), 'utf8')).toContain('exec /bin/bash -c "env 1>');
  });

  it('reproduces the CLASSPATH inheritance quirk (CLC value already in the process env)', async () => {
    const s = spec('printenv CLASSPATH 1><LOG_DIR>/stdout', [['CLASSPATH', '{{CLASSPATH}}<CPS>./*']]);
    await (
      await launch(s)
    ).completion;
    // Recorded (am-restart/am-attempt1-env.txt): the literal `$CLASSPATH:./*...` first, then the expansion.
    expect(await readFile(join(s.logDir, 'stdout'), 'utf8')).toBe('$CLASSPATH:./*:./*\n');
  });

  it('exit 3 -> exit status 3 and the recorded diagnostics', async () => {
    const s = spec('echo fx-failed-app AM exiting with 3 1><LOG_DIR>/stdout; exit 3');
    const done = await (await launch(s)).completion;
    expect(done.exitStatus).toBe(3);
    const recorded = recordedContainerDiagnostics('failed-app/final-diagnostics-exact.txt');
    expect(normalize(done.diagnostics, s.containerId)).toBe(normalize(recorded, 'container_1795460840938_0009_02_000001'));
  });

  it('exit 3 with a *stderr* log -> its tail in the diagnostics as recorded', async () => {
    const recorded = recordedContainerDiagnostics('failed-app/registered-variant-final-diagnostics-exact.txt');
    const stderrText = readFixture('failed-app/registered-variant-am-attempt2-stderr.txt').toString('utf8');
    const s = spec(`cat ${join(root, 'err.txt')} 2><LOG_DIR>/am.stderr 1>&2; exit 3`);
    await import('node:fs/promises').then((fs) => fs.writeFile(join(root, 'err.txt'), stderrText));
    const done = await (await launch(s)).completion;
    expect(done.exitStatus).toBe(3);
    expect(normalize(done.diagnostics, s.containerId)).toBe(normalize(recorded, 'container_1795460840938_0011_02_000001'));
  });

  it('stop -> -105 with the recorded diagnostics, and the whole process group is gone', async () => {
    // YARN does not escape the command: `\$!` reaches the inner bash as `$!`.
    const s = spec('sleep 300 & echo \\$! 1><LOG_DIR>/grandchild.pid; sleep 300');
    const c = await launch(s);
    const pidFile = join(s.logDir, 'grandchild.pid');
    const grandchild = await waitFor(
      async () => Number((await readFile(pidFile, 'utf8').catch(() => '')).trim()) || undefined,
      'the grandchild pid file',
    );
    await waitFor(() => c.pid() !== undefined, 'the container pid');
    const done = await c.stop();
    expect(done.exitStatus).toBe(-105);
    const line = readFixture('am-restart/am-attempt2-stdout.txt')
      .toString('utf8')
      .split('\n')
      .find((l) => l.includes('killed by the ApplicationMaster'))!;
    const recorded = JSON.parse(line.slice(line.indexOf('"'))) as string;
    expect(normalize(done.diagnostics, s.containerId)).toBe(normalize(recorded, ''));
    expect(processGone(grandchild)).toBe(true);
    expect(processGone(c.pid()!)).toBe(true);
  });

  it("memory overuse -> -104 with Hadoop's message", async () => {
    monitor = new MemoryMonitor({ intervalMs: 100, vmemCheckEnabled: false });
    const limit = 64 * 1024 * 1024;
    const s = spec(`${process.execPath} -e 'const b = Buffer.alloc(300e6, 1); setInterval(() => b[0]++, 1000)'`);
    const c = await launch(s);
    monitor.watch({ containerId: s.containerId, pid: () => c.pid(), pmemLimitBytes: limit, kill: (r) => c.kill(r) });
    const done = await c.completion;
    expect(done.exitStatus).toBe(-104);
    const id = s.containerId.replace(/[_]/g, '_');
    expect(done.diagnostics).toMatch(
      new RegExp(
        `^\\[[^\\]]+\\]Container \\[pid=${c.pid()},containerID=${id}\\] is running \\d+B beyond the 'PHYSICAL' memory limit\\. ` +
          `Current usage: [\\d.]+ MB of 64 MB physical memory used; [\\d.]+ [MG]B of 134\\.4 MB virtual memory used\\. Killing container\\.\\n` +
          `Dump of the process-tree for ${id} :\\n\\t\\|- PID PPID PGRPID SESSID CMD_NAME USER_MODE_TIME\\(MILLIS\\) SYSTEM_TIME\\(MILLIS\\) VMEM_USAGE\\(BYTES\\) RSSMEM_USAGE\\(PAGES\\) FULL_CMD_LINE\\n`,
      ),
    );
    expect(done.diagnostics).toMatch(
      /Container killed on request\. Exit code is 143\n\[[^\]]+\]Container exited with a non-zero exit code 143\. \n$/,
    );
  });
});
