import type { AmEndRequests } from '../session/am-end-requests.js';
import { errorMessage } from './am-process.js';

/**
 * Signals and stray errors: a long-running AM never exits silently. SIGTERM is how the
 * NodeManager stops a container (then SIGKILL after yarn.nodemanager.sleep-delay-before-sigkill.ms):
 * the process ends without unregistering, since the RM has already decided.
 */
export function installProcessHandlers(ends: AmEndRequests, log: (line: string) => void): void {
  process.once('SIGTERM', () => void ends.request({ kind: 'abandon', reason: 'SIGTERM from the NodeManager', exitCode: 143 }));
  process.once('SIGINT', () => void ends.request({ kind: 'abandon', reason: 'SIGINT', exitCode: 130 }));
  const fatal = (what: string) => (err: unknown) => {
    log(`${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void ends.request({ kind: 'finish', finalStatus: 'FAILED', diagnostics: `${what} in the ApplicationMaster: ${errorMessage(err)}` });
  };
  process.on('uncaughtException', fatal('uncaught error'));
  process.on('unhandledRejection', fatal('unhandled promise rejection'));
}
