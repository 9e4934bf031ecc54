// Runs a container the way DefaultContainerExecutor does: a wrapper script records the exit code,
// a session script writes the pid file and `exec setsid`s launch_container.sh, so the container is
// its own session and process group. The process environment is the container's environment map
// and nothing else (PATH ends up as bash's default). Stop = SIGTERM to the group, SIGKILL after
// yarn.nodemanager.sleep-delay-before-sigkill.ms.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { open, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OWNER_ONLY_FILE, writeFileWithMode } from '../../client/wire/security/local-file-modes.js';
import { ContainerExitStatus } from '../../client/hadoop/yarn/container-exit-status.js';
import {
  KILLED_BY_APPMASTER,
  type KillReason,
  LOG_TAIL_BYTES,
  containerLaunchExceptionText,
  diagnosticsEntry,
  killedOnRequestEntries,
  nonZeroExitText,
} from './container-kill-reasons.js';
import {
  CONTAINER_TOKENS_FILE,
  type ContainerLaunchSpec,
  LAUNCH_SCRIPT_FILE,
  containerEnvironment,
  renderLaunchScript,
} from './launch-script.js';
import { createContainerDirs } from './nm-local-dirs.js';

/** ContainerExecutor.TASK_LAUNCH_SCRIPT_PERMISSION. */
const TASK_LAUNCH_SCRIPT_MODE = 0o700;

/** What the NM reports for a finished container (ContainerStatusProto's fields). */
export interface ContainerCompletion {
  containerId: string;
  state: 'C_COMPLETE';
  exitStatus: number;
  diagnostics: string;
}

export interface ContainerLaunchRequest {
  spec: ContainerLaunchSpec;
  /** The CLC `tokens` bytes, written verbatim as container_tokens. */
  tokens: Buffer;
  /** <local>/nmPrivate/<app>/<container>: pid and exit code files live here. */
  nmPrivateDir: string;
}

export interface ContainerExecutorOptions {
  /** yarn.nodemanager.sleep-delay-before-sigkill.ms (default 250). */
  sleepDelayBeforeSigkillMs?: number;
}

const WRAPPER_SCRIPT = 'default_container_executor.sh';
const SESSION_SCRIPT = 'default_container_executor_session.sh';
const PID_POLL_MS = 20;

function sessionScript(workDir: string, pidFile: string): string {
  return (
    '#!/bin/bash\n\n' +
    `echo $$ > ${pidFile}.tmp\n` +
    `/bin/mv -f ${pidFile}.tmp ${pidFile}\n` +
    `exec setsid /bin/bash "${workDir}/${LAUNCH_SCRIPT_FILE}"\n`
  );
}

function wrapperScript(workDir: string, exitCodeFile: string): string {
  return (
    '#!/bin/bash\n' +
    `/bin/bash "${workDir}/${SESSION_SCRIPT}"\n` +
    'rc=$?\n' +
    `echo $rc > "${exitCodeFile}.tmp"\n` +
    `/bin/mv -f "${exitCodeFile}.tmp" "${exitCodeFile}"\n` +
    'exit $rc\n'
  );
}

async function tail(path: string): Promise<string> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return '';
  try {
    const { size } = await fh.stat();
    const length = Math.min(size, LOG_TAIL_BYTES);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, size - length);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One launched container. */
export class RunningContainer {
  readonly containerId: string;
  /** Resolves once the container has exited and its process group is gone. */
  readonly completion: Promise<ContainerCompletion>;
  private sessionPid: number | undefined;
  private killReason: KillReason | undefined;
  private killing: Promise<void> | undefined;
  private exited = false;

  constructor(
    private readonly request: ContainerLaunchRequest,
    private readonly child: ChildProcess,
    private readonly sigkillDelayMs: number,
  ) {
    this.containerId = request.spec.containerId;
    let shellError = '';
    child.stderr?.on('data', (d: Buffer) => (shellError += d.toString('utf8')));
    child.stdout?.resume();
    // A spawn failure surfaces as exit code 127, as bash reports a command it cannot run.
    const exit = (once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>).catch((): [number, null] => [127, null]);
    void this.watchPidFile();
    this.completion = exit.then(async ([code, signal]) => {
      this.exited = true;
      const rc = await this.exitCode(code, signal);
      await this.reapGroup();
      return this.describe(rc, shellError.trim());
    });
  }

  /** Pid of the container's session leader (also its process group id), once written. */
  pid(): number | undefined {
    return this.sessionPid;
  }

  /** Stop the container: SIGTERM to its process group, SIGKILL after the grace period. */
  stop(reason: KillReason = KILLED_BY_APPMASTER): Promise<ContainerCompletion> {
    this.kill(reason);
    return this.completion;
  }

  /** Start killing (idempotent: the first reason wins, as in the NM's state machine). */
  kill(reason: KillReason): void {
    if (this.exited || this.killReason) return;
    this.killReason = reason;
    this.killing = this.termThenKill();
  }

  private get pidFile(): string {
    return join(this.request.nmPrivateDir, `${this.containerId}.pid`);
  }

  private async watchPidFile(): Promise<void> {
    while (!this.exited && this.sessionPid === undefined) {
      const text = await readFile(this.pidFile, 'utf8').catch(() => '');
      const pid = Number.parseInt(text.trim(), 10);
      if (pid > 0) this.sessionPid = pid;
      else await delay(PID_POLL_MS);
    }
  }

  private async termThenKill(): Promise<void> {
    while (this.sessionPid === undefined && !this.exited) await delay(PID_POLL_MS);
    if (this.sessionPid === undefined) return;
    signalGroup(this.sessionPid, 'SIGTERM');
    await delay(this.sigkillDelayMs);
    signalGroup(this.sessionPid, 'SIGKILL');
  }

  /** After the container's main process ended: nothing of its group may survive it. */
  private async reapGroup(): Promise<void> {
    if (this.killing) await this.killing;
    const pgid = this.sessionPid;
    if (pgid === undefined || !signalGroup(pgid, 0)) return;
    signalGroup(pgid, 'SIGTERM');
    await delay(this.sigkillDelayMs);
    signalGroup(pgid, 'SIGKILL');
  }

  private async exitCode(code: number | null, signal: NodeJS.Signals | null): Promise<number> {
    const file = join(this.request.nmPrivateDir, `${this.containerId}.pid.exitcode`);
    const recorded = Number.parseInt((await readFile(file, 'utf8').catch(() => '')).trim(), 10);
    if (Number.isInteger(recorded)) return recorded;
    if (code !== null) return code;
    return 128 + (signal === 'SIGKILL' ? 9 : 15);
  }

  private async describe(rc: number, shellError: string): Promise<ContainerCompletion> {
    const base = { containerId: this.containerId, state: 'C_COMPLETE' as const };
    if (this.killReason) {
      return {
        ...base,
        exitStatus: this.killReason.exitStatus,
        diagnostics: diagnosticsEntry(this.killReason.diagnostics) + killedOnRequestEntries(rc),
      };
    }
    if (rc === 0) return { ...base, exitStatus: ContainerExitStatus.SUCCESS, diagnostics: '' };
    const logDir = this.request.spec.logDir;
    const names = (await readdir(logDir).catch(() => [] as string[])).filter((n) => /stderr|STDERR/.test(n)).sort();
    const stderrTails = [];
    for (const name of names) stderrTails.push({ name, tail: await tail(join(logDir, name)) });
    const exitText = nonZeroExitText(rc, await tail(join(logDir, 'prelaunch.err')), stderrTails);
    // The NM records the non-zero exit twice (launcher and container state machine), as recorded.
    return {
      ...base,
      exitStatus: rc,
      diagnostics:
        diagnosticsEntry(containerLaunchExceptionText(this.containerId, rc, shellError)) +
        diagnosticsEntry(exitText) +
        diagnosticsEntry(exitText),
    };
  }
}

/** Launches containers and tracks them so that none outlives shutdown(). */
export class ContainerExecutor {
  private readonly running = new Map<string, RunningContainer>();
  private readonly sigkillDelayMs: number;

  constructor(options: ContainerExecutorOptions = {}) {
    this.sigkillDelayMs = options.sleepDelayBeforeSigkillMs ?? 250;
  }

  async launch(request: ContainerLaunchRequest): Promise<RunningContainer> {
    const { spec } = request;
    if (this.running.has(spec.containerId)) throw new Error(`container ${spec.containerId} is already running on this NodeManager`);
    await createContainerDirs({ workDir: spec.workDir, logDir: spec.logDir, nmPrivateDir: request.nmPrivateDir });
    const pidFile = join(request.nmPrivateDir, `${spec.containerId}.pid`);
    const exitCodeFile = `${pidFile}.exitcode`;
    // The credentials 600 and the scripts 700, as container-executor copies them (LinuxContainerExecutor;
    // DefaultContainerExecutor sets TASK_LAUNCH_SCRIPT_PERMISSION 700 on the scripts).
    await writeFileWithMode(join(spec.workDir, CONTAINER_TOKENS_FILE), request.tokens, OWNER_ONLY_FILE);
    await writeFileWithMode(join(spec.workDir, LAUNCH_SCRIPT_FILE), renderLaunchScript(spec), TASK_LAUNCH_SCRIPT_MODE);
    await writeFileWithMode(join(spec.workDir, SESSION_SCRIPT), sessionScript(spec.workDir, pidFile), TASK_LAUNCH_SCRIPT_MODE);
    await writeFileWithMode(join(spec.workDir, WRAPPER_SCRIPT), wrapperScript(spec.workDir, exitCodeFile), TASK_LAUNCH_SCRIPT_MODE);
    const child = spawn('/bin/bash', [join(spec.workDir, WRAPPER_SCRIPT)], {
      cwd: spec.workDir,
      env: Object.fromEntries(containerEnvironment(spec)),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const container = new RunningContainer(request, child, this.sigkillDelayMs);
    this.running.set(spec.containerId, container);
    void container.completion.finally(() => this.running.delete(spec.containerId));
    return container;
  }

  get(containerId: string): RunningContainer | undefined {
    return this.running.get(containerId);
  }

  /** Kill every container still running and wait until all are gone. */
  async shutdown(): Promise<void> {
    const all = [...this.running.values()];
    for (const c of all) c.kill({ exitStatus: ContainerExitStatus.ABORTED, diagnostics: 'Container killed on NodeManager shutdown.' });
    await Promise.all(all.map((c) => c.completion));
  }
}
