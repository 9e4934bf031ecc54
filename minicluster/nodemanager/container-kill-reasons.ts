// The diagnostics texts a 3.3.6 NodeManager reports with a container's exit status (the statuses
// are client/hadoop/yarn/container-exit-status.ts). Each diagnostics entry is
// "[yyyy-MM-dd HH:mm:ss.SSS]<text>\n", as ContainerImpl appends them.
import { ContainerExitStatus } from '../../client/hadoop/yarn/container-exit-status.js';

/** Why a running container is being killed: its exit status and the first diagnostics line. */
export interface KillReason {
  exitStatus: number;
  diagnostics: string;
}

export const KILLED_BY_APPMASTER: KillReason = {
  exitStatus: ContainerExitStatus.KILLED_BY_APPMASTER,
  diagnostics: 'Container killed by the ApplicationMaster.',
};

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The NM's diagnostics timestamp (local time of the NM, like Java's SimpleDateFormat). */
export function diagnosticsTimestamp(at: Date = new Date()): string {
  return (
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`
  );
}

/** One diagnostics entry as ContainerImpl appends it. */
export function diagnosticsEntry(text: string, at: Date = new Date()): string {
  return `[${diagnosticsTimestamp(at)}]${text}\n`;
}

/** Entries that follow a kill: the signal's exit code (143 for SIGTERM, 137 for SIGKILL). */
export function killedOnRequestEntries(exitCode: number, at: Date = new Date()): string {
  return (
    diagnosticsEntry(`Container killed on request. Exit code is ${exitCode}`, at) +
    diagnosticsEntry(`Container exited with a non-zero exit code ${exitCode}. `, at)
  );
}

/** DefaultContainerExecutor's text for a launch that exited non-zero. */
export function containerLaunchExceptionText(containerId: string, exitCode: number, shellError = '', shellOutput = ''): string {
  let text = `Exception from container-launch.\nContainer id: ${containerId}\nExit code: ${exitCode}\n`;
  if (shellError) text += `Exception message: ${shellError}\n`;
  if (shellOutput) text += `Shell output: ${shellOutput}\n`;
  return text;
}

/** ContainerLaunch's text with the tails of prelaunch.err and of every `*stderr*` log file. */
export function nonZeroExitText(
  exitCode: number,
  prelaunchErrTail: string,
  stderrTails: readonly { name: string; tail: string }[],
): string {
  let text = `Container exited with a non-zero exit code ${exitCode}. Error file: prelaunch.err.\n`;
  text += `Last ${LOG_TAIL_BYTES} bytes of prelaunch.err :\n${prelaunchErrTail}`;
  for (const { name, tail } of stderrTails) text += `Last ${LOG_TAIL_BYTES} bytes of ${name} :\n${tail}\n`;
  return text;
}

/** yarn.nodemanager.container.stderr.tail.bytes default. */
export const LOG_TAIL_BYTES = 4096;
