import { describe, expect, it } from 'vitest';
import { LoomConfig } from '../../../../client/conf/loom-config.js';
import { LoomOptions } from '../../../../client/conf/loom-config-options.js';
import { markAttached } from '../../../../client/deploy/running/cluster-lease.js';
import { amSubmission } from '../../../../client/deploy/submit/submission-context.js';

function submit(props: string[], mode: 'session' | 'per-job' | 'application' = 'session') {
  const conf = LoomConfig.load({ env: {}, cwd: '/nonexistent', dynamicProperties: props });
  return amSubmission({
    applicationId: 'application_1_0001',
    conf,
    mode,
    localResources: {},
    stagingDirUri: 'webhdfs://x/y',
    user: 'alice',
  });
}

describe('submission: attempts, kept containers, mode tag', () => {
  it('keeps containers and sends the validity interval (Flink default 10 s) when attempts > 1', () => {
    const s = submit([]);
    expect(s.maxAppAttempts).toBe(2);
    expect(s.keepContainersAcrossApplicationAttempts).toBe(true);
    expect(s.attemptFailuresValidityIntervalMs).toBe(10_000);
  });

  it('takes the validity interval from yarn.application-attempt-failures-validity-interval', () => {
    const s = submit(['yarn.application-attempts=3', 'yarn.application-attempt-failures-validity-interval=5 min']);
    expect(s.maxAppAttempts).toBe(3);
    expect(s.attemptFailuresValidityIntervalMs).toBe(300_000);
  });

  it('leaves both at YARN defaults with a single attempt (nothing to keep containers for)', () => {
    const s = submit(['yarn.application-attempts=1']);
    expect(s.maxAppAttempts).toBe(1);
    expect(s.keepContainersAcrossApplicationAttempts).toBeUndefined();
    expect(s.attemptFailuresValidityIntervalMs).toBeUndefined();
  });

  it('tags the mode once, whatever yarn.tags says', () => {
    expect(submit([], 'per-job').tags).toEqual(['loom-mode:per-job']);
    expect(submit(['yarn.tags=team-a;loom-mode:session'], 'application').tags).toEqual(['team-a', 'loom-mode:application']);
  });
});

describe('loom.client.attached in the shipped configuration', () => {
  it('markAttached survives the YAML the AM reads back; default false; bad values are named', () => {
    const conf = LoomConfig.load({ env: {}, cwd: '/nonexistent', dynamicProperties: ['loom.client.heartbeat-timeout=3s'] });
    expect(conf.get(LoomOptions.clientAttached)).toBe(false);
    markAttached(conf, true);
    const shipped = LoomConfig.fromYaml(conf.toYaml());
    expect(shipped.get(LoomOptions.clientAttached)).toBe(true);
    expect(shipped.get(LoomOptions.clientHeartbeatTimeout)).toBe(3000);
    markAttached(conf, false);
    expect(LoomConfig.fromYaml(conf.toYaml()).get(LoomOptions.clientAttached)).toBe(false);
    expect(() =>
      LoomConfig.load({ env: {}, cwd: '/nonexistent', dynamicProperties: ['loom.client.attached=yes'] }).get(LoomOptions.clientAttached),
    ).toThrow(/loom.client.attached="yes".* is not one of true, false/);
  });
});
