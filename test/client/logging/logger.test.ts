// The logger of Loom's processes (client/logging/logger.ts): levels, children with ids, the log(line) view, held lines.
import { describe, expect, it } from 'vitest';
import { levelOfLine, Logger, type LoggerOptions } from '../../../client/logging/logger.js';

const TIME = new Date(Date.UTC(2026, 11, 7, 19, 30, 0, 123));

function capture(options: Partial<LoggerOptions> = {}): { logger: Logger; lines: string[]; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const logger = Logger.create({ format: 'json', now: () => TIME, ...options, write: (l) => lines.push(l) });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('Logger', () => {
  it('writes its level and the ones after it: info by default, debug shows all, warn hides info and debug', () => {
    const messages = (level?: 'debug' | 'info' | 'warn' | 'error') => {
      const { logger, records } = capture(level ? { level } : {});
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
      return records().map((r) => r.message);
    };
    expect(messages()).toEqual(['i', 'w', 'e']);
    expect(messages('debug')).toEqual(['d', 'i', 'w', 'e']);
    expect(messages('warn')).toEqual(['w', 'e']);
    expect(messages('error')).toEqual(['e']);
  });

  it('a child adds its component and ids to every line; the root and its siblings keep theirs', () => {
    const { logger, records } = capture({ component: 'appmaster' });
    const jobs = logger.child({ component: 'job-master' });
    jobs.child({ jobId: 'job_1', taskIndex: 2, attempt: 1 }).info('running');
    jobs.info('idle');
    logger.info('root');
    expect(records()).toEqual([
      { time: TIME.toISOString(), level: 'INFO', component: 'job-master', jobId: 'job_1', taskIndex: 2, attempt: 1, message: 'running' },
      { time: TIME.toISOString(), level: 'INFO', component: 'job-master', message: 'idle' },
      { time: TIME.toISOString(), level: 'INFO', component: 'appmaster', message: 'root' },
    ]);
  });

  it('an error given with a line goes into its error field with the stack', () => {
    const { logger, records } = capture();
    const err = new Error('boom');
    logger.error('failed', err);
    expect(records()[0]).toMatchObject({ level: 'ERROR', message: 'failed', error: err.stack });
  });

  it('as a log(line) function: INFO, or the level a leading warning:/error: names; log.warn and log.debug too', () => {
    const { logger, records } = capture({ level: 'debug' });
    const log = logger.child({ component: 'dispatcher' }).lineLog();
    log('listening');
    log('warning: slow disk');
    log('Error: could not write');
    log.warn('explicit');
    log.debug('detail');
    expect(records().map((r) => [r.level, r.component, r.message])).toEqual([
      ['INFO', 'dispatcher', 'listening'],
      ['WARN', 'dispatcher', 'warning: slow disk'],
      ['ERROR', 'dispatcher', 'Error: could not write'],
      ['WARN', 'dispatcher', 'explicit'],
      ['DEBUG', 'dispatcher', 'detail'],
    ]);
    expect(levelOfLine('the error: was here')).toBe('info');
  });

  it('configure changes every logger of the root; lines held until then are written with the configured format and level', () => {
    const { logger, lines } = capture({ format: 'text', holdUntilConfigured: true });
    const child = logger.child({ component: 'yarn' });
    child.debug('early detail');
    child.info('early');
    expect(lines).toEqual([]);
    logger.configure({ format: 'json', level: 'info' });
    child.info('later');
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['early', 'later']);
  });
});
