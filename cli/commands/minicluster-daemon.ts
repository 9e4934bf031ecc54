/**
 * `loom minicluster -d --dir <dir>` and `loom minicluster --stop --dir <dir>`: the mini cluster
 * as a background process, the way Hadoop's `start-yarn.sh` / Flink's `start-cluster.sh` leave
 * their daemons running and return. The parent starts `loom minicluster --dir <dir>` in a new
 * session (no controlling terminal, so closing the shell does not end it) with its output in
 * `<dir>/minicluster.log`, waits for the child to report that it serves (or why it could not
 * start), prints what the foreground command prints and returns. The child writes its pid to
 * `<dir>/minicluster.pid` (mode 600) once it serves and removes it when it stops; `--stop`
 * sends it SIGTERM (the same clean stop as Ctrl-C: every container and server ends) and waits.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { loomInstallRoot } from '../../client/deploy/runtime/runtime-archive.js';

export const DETACHED_CHILD_ENV = 'LOOM_MINICLUSTER_DETACHED_CHILD';
const PID_FILE = 'minicluster.pid';
const LOG_FILE = 'minicluster.log';
/** A mini cluster starts in a few seconds; this bounds a start that hangs. */
const START_TIMEOUT_MS = 120_000;
/** Stopping kills every container (each with YARN's SIGTERM-then-SIGKILL delay) and the servers. */
const STOP_TIMEOUT_MS = 60_000;

/** What the detached child tells its parent, over the IPC channel, once. */
export type DetachedChildReport = { ready: string } | { failed: string };

export interface DaemonIo {
  stdout: Writable;
  stderr: Writable;
}

function pidFileOf(dir: string): string {
  return join(dir, PID_FILE);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid recorded in `<dir>/minicluster.pid` if that process still runs a mini cluster. */
async function runningPid(dir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(pidFileOf(dir), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  // A pid can be reused after a crash: only a process whose command line is a mini cluster counts.
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes('minicluster')) return undefined;
  } catch {
    // No /proc (macOS): trust the pid file.
  }
  return pid;
}

/** Called by the detached child once it serves. */
export async function recordDetachedChild(dir: string): Promise<void> {
  await writeFile(pidFileOf(dir), `${process.pid}\n`, { mode: 0o600 });
}

/** Called by the detached child when it has stopped. */
export async function forgetDetachedChild(dir: string): Promise<void> {
  await rm(pidFileOf(dir), { force: true });
}

/** Reports to the parent that started this detached child and lets the IPC channel go. */
export function reportToParent(report: DetachedChildReport): void {
  process.send?.(report, () => process.disconnect());
}

/** `loom minicluster -d`: starts the cluster in the background; returns the exit code. */
export async function startDetached(dir: string | undefined, childArgs: string[], io: DaemonIo): Promise<number> {
  if (dir === undefined) {
    io.stderr.write(
      'loom minicluster: -d needs --dir <dir> (its pid file, log and data go there; stop it with loom minicluster --stop --dir <dir>)\n',
    );
    return 2;
  }
  const absDir = resolve(dir);
  const already = await runningPid(absDir);
  if (already !== undefined) {
    io.stderr.write(
      `loom minicluster: a mini cluster already runs from ${absDir} (pid ${already}); use its HADOOP_CONF_DIR=${join(absDir, 'conf')} or stop it with loom minicluster --stop --dir ${absDir}\n`,
    );
    return 1;
  }
  await mkdir(absDir, { recursive: true, mode: 0o700 });
  const logPath = join(absDir, LOG_FILE);
  const logFd = openSync(logPath, 'a', 0o600);
  const child = spawn(process.execPath, [join(loomInstallRoot(), 'bin', 'loom.js'), 'minicluster', '--dir', absDir, ...childArgs], {
    detached: true,
    stdio: ['ignore', logFd, logFd, 'ipc'],
    env: { ...process.env, [DETACHED_CHILD_ENV]: '1' },
  });
  closeSync(logFd);
  const report = await new Promise<DetachedChildReport>((resolveReport) => {
    const timer = setTimeout(
      () => resolveReport({ failed: `it did not report serving within ${START_TIMEOUT_MS / 1000} s` }),
      START_TIMEOUT_MS,
    );
    child.once('message', (m) => {
      clearTimeout(timer);
      resolveReport(m as DetachedChildReport);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolveReport({ failed: `it exited (${signal ?? `code ${code}`}) before serving` });
    });
  });
  if ('failed' in report) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    io.stderr.write(`loom minicluster: could not start in the background: ${report.failed}; see ${logPath}\n`);
    return 1;
  }
  // The child may have let the channel go first (reportToParent); disconnecting twice is an 'error' event.
  if (child.connected) child.disconnect();
  child.unref();
  io.stdout.write(
    report.ready.replace(/Serving until interrupted \(Ctrl-C\)\./, `Serving in the background (pid ${child.pid}, log ${logPath}).`),
  );
  io.stdout.write(`Stop it with: loom minicluster --stop --dir ${absDir}\n`);
  return 0;
}

/** `loom minicluster --stop --dir <dir>`; returns the exit code. */
export async function stopDetached(dir: string | undefined, io: DaemonIo): Promise<number> {
  if (dir === undefined) {
    io.stderr.write('loom minicluster: --stop needs --dir <dir>, the dir the mini cluster was started with (-d --dir <dir>)\n');
    return 2;
  }
  const absDir = resolve(dir);
  const pid = await runningPid(absDir);
  if (pid === undefined) {
    await rm(pidFileOf(absDir), { force: true });
    io.stderr.write(
      `loom minicluster: no mini cluster runs from ${absDir} (no live pid in ${pidFileOf(absDir)}); start one with loom minicluster -d --dir ${absDir}\n`,
    );
    return 1;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      io.stderr.write(`loom minicluster: pid ${pid} is still stopping after ${STOP_TIMEOUT_MS / 1000} s; see ${join(absDir, LOG_FILE)}\n`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  io.stdout.write(`Stopped the mini cluster from ${absDir} (pid ${pid}).\n`);
  return 0;
}
