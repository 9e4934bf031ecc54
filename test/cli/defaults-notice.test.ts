import { afterEach, describe, expect, it } from 'vitest';
import { dropDefaultsNotice, flushDefaultsNotice, holdDefaultsNotice } from '../../cli/defaults-notice.js';
import { retryLinesTo } from '../../cli/retry-lines.js';

/** The "using Hadoop's defaults" notice: said before a retry line or after a command that worked, never beside an error. */
function sink(): { write(text: string): boolean; text: string } {
  return {
    text: '',
    write(t: string) {
      this.text += t;
      return true;
    },
  };
}

afterEach(() => dropDefaultsNotice());

describe('the defaults notice', () => {
  it('comes once, just before the first retry line', () => {
    const err = sink();
    holdDefaultsNotice('no Hadoop configuration: using defaults', err);
    const report = retryLinesTo(err);
    const event = {
      server: 'ResourceManager',
      address: '0.0.0.0:8032',
      failedAttempts: 1,
      reason: 'connection refused',
      delayMs: 30_000,
      bound: { setting: 'yarn.resourcemanager.connect.max-wait.ms', value: '900000' },
    };
    report(event);
    report({ ...event, failedAttempts: 2 });
    const lines = err.text.trimEnd().split('\n');
    expect(lines[0]).toBe('no Hadoop configuration: using defaults');
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(1))
      expect(line).toMatch(/^Retrying connect to the ResourceManager at 0\.0\.0\.0:8032 \(connection refused\)/);
  });

  it('is said by a flush (a command that worked) and not after a drop (a command that failed)', () => {
    const err = sink();
    holdDefaultsNotice('notice', err);
    dropDefaultsNotice();
    flushDefaultsNotice();
    expect(err.text).toBe('');
    holdDefaultsNotice('notice', err);
    flushDefaultsNotice();
    flushDefaultsNotice();
    expect(err.text).toBe('notice\n');
  });
});
