import { KerberosConfigurationError } from '../../client/wire/kerberos/kerberos-errors.js';
import { describe, expect, it } from 'vitest';
import { ShellUsageError } from '../../cli/commands/fs/shell-errors.js';
import { ERROR_EXITS, errorLine, EXIT_STATUS, exitStatusFor } from '../../cli/exit-statuses.js';
import { UsageError } from '../../cli/usage-error.js';
import { ConfigurationError } from '../../client/conf/configuration-error.js';
import { ApplicationEndedError } from '../../client/deploy/running/application-waiter.js';
import { LoomError } from '../../client/errors/loom-error.js';
import type { ApplicationReport } from '../../client/hadoop/yarn/cluster-reports.js';
import { RemoteException } from '../../client/wire/ipc/remote-exception.js';

describe('the CLI exit-status table, by error code', () => {
  it('has the statuses the commands end with', () => {
    expect(EXIT_STATUS).toEqual({ success: 0, failure: 1, usage: 2, fsUsage: 255 });
  });

  it('usage and configuration errors end with 2, loom fs usage errors with 255 (FsShell), the rest with 1', () => {
    expect(exitStatusFor(new UsageError('bad -p'))).toBe(2);
    expect(exitStatusFor(new ConfigurationError('bad key'))).toBe(2);
    expect(exitStatusFor(new ShellUsageError('Illegal option -q'))).toBe(255);
    expect(exitStatusFor(new RemoteException({ className: 'java.io.IOException', remoteMessage: 'x', status: 'ERROR' }))).toBe(1);
    expect(exitStatusFor(new LoomError('x'))).toBe(1);
    expect(exitStatusFor(new Error('x'))).toBe(1);
    expect(exitStatusFor('a string')).toBe(1);
  });

  it("a class without a row takes its nearest ancestor's", () => {
    class NarrowUsageError extends UsageError {
      static override readonly code: string = 'TEST_NARROW_USAGE';
    }
    expect(ERROR_EXITS.has(NarrowUsageError.code)).toBe(false);
    expect(exitStatusFor(new NarrowUsageError('x'))).toBe(2);
  });

  it('is keyed by the codes of the classes it names', () => {
    expect([...ERROR_EXITS.keys()].sort()).toEqual(
      [UsageError.code, ConfigurationError.code, ShellUsageError.code, ApplicationEndedError.code, KerberosConfigurationError.code].sort(),
    );
  });

  it('ends a Kerberos log-in that cannot be made (no krb5.conf, no ticket cache) like a configuration error', () => {
    expect(exitStatusFor(new KerberosConfigurationError('no Kerberos ticket cache at /tmp/krb5cc_0: run kinit'))).toBe(2);
  });

  it('gives one line per error: the first line of the message, an application end with its diagnostics', () => {
    expect(errorLine(new LoomError('first\nsecond', { detail: 'more' }))).toBe('first');
    expect(errorLine(new ShellUsageError('Illegal option -q'))).toBe('Illegal option -q');
    const ended = new ApplicationEndedError('application_1_0001 FAILED:\nAM exited with 1\n    at x (y.js:1)', {} as ApplicationReport);
    expect(errorLine(ended)).toBe('application_1_0001 FAILED:\n  AM exited with 1');
  });
});
