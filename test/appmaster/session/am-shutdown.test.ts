import { describe, expect, it } from 'vitest';
import { AmShutdown, type AmShutdownSteps } from '../../../appmaster/session/am-shutdown.js';

function recordingSteps(fail: Partial<Record<'stop' | 'unregister' | 'delete' | 'close', boolean>> = {}) {
  const calls: string[] = [];
  const step = (name: keyof typeof fail, text: string) => async () => {
    calls.push(text);
    if (fail[name]) throw new Error(`${name} broke`);
  };
  const steps: AmShutdownSteps = {
    stopTaskExecutors: async (reason) => step('stop', `stop:${reason}`)(),
    unregister: async (status, diagnostics) => step('unregister', `unregister:${status}:${diagnostics}`)(),
    deleteStagingDir: step('delete', 'delete'),
    closeAll: step('close', 'close'),
    exit: (code) => calls.push(`exit:${code}`),
    log: (line) => calls.push(`log:${line}`),
  };
  return { steps, calls, actions: () => calls.filter((c) => !c.startsWith('log:')) };
}

describe('AmShutdown', () => {
  it('finishes in order: TaskExecutors, unregister, staging dir, then servers and exit 0', async () => {
    const { steps, actions } = recordingSteps();
    const shutdown = new AmShutdown(steps, 0);
    await shutdown.request({ kind: 'finish', finalStatus: 'SUCCEEDED', diagnostics: 'stopped by the user' });
    // Durable before anything closes, so the REST call that asked can still be answered.
    expect(actions()).toEqual(['stop:stopped by the user', 'unregister:SUCCEEDED:stopped by the user', 'delete']);
    await shutdown.whenDone();
    expect(actions().slice(3)).toEqual(['close', 'exit:0']);
  });

  it('runs once: a second trigger joins the first and keeps its final status', async () => {
    const { steps, actions, calls } = recordingSteps();
    const shutdown = new AmShutdown(steps, 0);
    const first = shutdown.request({ kind: 'finish', finalStatus: 'FAILED', diagnostics: 'too many failures' });
    const second = shutdown.request({ kind: 'finish', finalStatus: 'SUCCEEDED', diagnostics: 'DELETE /cluster' });
    await Promise.all([first, second, shutdown.whenDone()]);
    expect(actions().filter((a) => a.startsWith('unregister'))).toEqual(['unregister:FAILED:too many failures']);
    expect(calls.some((c) => c.includes('ignoring a later SUCCEEDED'))).toBe(true);
    expect(actions().filter((a) => a.startsWith('exit'))).toEqual(['exit:0']);
  });

  it('keeps going when a step fails, but keeps the staging dir and exits 1 when unregistering failed', async () => {
    const { steps, actions, calls } = recordingSteps({ stop: true, unregister: true });
    const shutdown = new AmShutdown(steps, 0);
    await shutdown.request({ kind: 'finish', finalStatus: 'FAILED', diagnostics: 'boom' });
    await shutdown.whenDone();
    expect(actions()).toEqual(['stop:boom', 'unregister:FAILED:boom', 'close', 'exit:1']);
    expect(calls).toContain('log:unregistering from the ResourceManager failed: unregister broke');
  });

  it('abandons without unregistering or deleting anything, with the given exit code', async () => {
    const { steps, actions } = recordingSteps();
    const shutdown = new AmShutdown(steps, 0);
    await shutdown.request({ kind: 'abandon', reason: 'SIGTERM from the NodeManager', exitCode: 143 });
    await shutdown.whenDone();
    expect(actions()).toEqual(['close', 'exit:143']);
  });
});
