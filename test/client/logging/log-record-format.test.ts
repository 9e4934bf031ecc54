// The two formats of a Loom process's log line (client/logging/log-record-format.ts).
import { describe, expect, it } from 'vitest';
import { formatLog4jTime, formatLogRecord } from '../../../client/logging/log-record-format.js';

/** 2026-12-07 19:30:00.123 in this process's time zone, as log4j writes it. */
const TIME = new Date(2026, 11, 7, 19, 30, 0, 123);

describe('a log line as text (close to log4j pattern of Hadoop containers) and as JSON', () => {
  it('text: log4j time, level padded to five, [component], the ids when present, the message', () => {
    expect(formatLog4jTime(TIME)).toBe('2026-12-07 19:30:00,123');
    expect(formatLogRecord({ time: TIME, level: 'info', component: 'appmaster', message: 'registered' }, 'text')).toBe(
      '2026-12-07 19:30:00,123 INFO  [appmaster] registered',
    );
    expect(
      formatLogRecord(
        { time: TIME, level: 'debug', component: 'job-master', jobId: 'job_0001', taskIndex: 3, attempt: 2, message: 'task RUNNING' },
        'text',
      ),
    ).toBe('2026-12-07 19:30:00,123 DEBUG [job-master] job=job_0001 task=3#2 task RUNNING');
    expect(formatLogRecord({ time: TIME, level: 'warn', jobId: 'job_0001', message: 'slow' }, 'text')).toBe(
      '2026-12-07 19:30:00,123 WARN  job=job_0001 slow',
    );
  });

  it("text: an error's stack follows on the next lines, as log4j prints a throwable", () => {
    expect(
      formatLogRecord(
        { time: TIME, level: 'error', component: 'appmaster', message: 'failed', error: 'Error: boom\n    at x (y.js:1:2)' },
        'text',
      ),
    ).toBe('2026-12-07 19:30:00,123 ERROR [appmaster] failed\nError: boom\n    at x (y.js:1:2)');
  });

  it('JSON: one object a line in the documented key order, absent ids left out, the stack in error', () => {
    const withIds = formatLogRecord(
      { time: TIME, level: 'info', component: 'task-runner', jobId: 'job_0001', taskIndex: 0, attempt: 1, message: 'deploying "x"' },
      'json',
    );
    expect(withIds).toBe(
      `{"time":"${TIME.toISOString()}","level":"INFO","component":"task-runner","jobId":"job_0001","taskIndex":0,"attempt":1,"message":"deploying \\"x\\""}`,
    );
    const withError = formatLogRecord(
      { time: TIME, level: 'error', component: 'appmaster', message: 'failed', error: 'Error: boom\n    at x' },
      'json',
    );
    expect(withError).not.toContain('\n');
    expect(JSON.parse(withError)).toEqual({
      time: TIME.toISOString(),
      level: 'ERROR',
      component: 'appmaster',
      message: 'failed',
      error: 'Error: boom\n    at x',
    });
  });
});
