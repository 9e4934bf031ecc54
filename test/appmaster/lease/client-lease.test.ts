import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobStatus } from '../../../appmaster/cluster-api.js';
import { ClientLease, endWithoutClient, type ClusterEnd, type LostClientHost } from '../../../appmaster/lease/client-lease.js';

afterEach(() => vi.useRealTimers());

function lease(timeoutMs = 3000) {
  const expired: string[] = [];
  const l = new ClientLease({ timeoutMs, onExpired: (d) => expired.push(d), now: () => Date.now() });
  return { l, expired };
}

describe('ClientLease (AM side)', () => {
  it('expires once, timeout after the last heartbeat, with diagnostics that name the lease and the times', () => {
    vi.useFakeTimers({ now: Date.parse('2030-01-01T10:00:00.000Z') });
    const { l, expired } = lease(3000);
    l.start();
    vi.advanceTimersByTime(2000);
    expect(l.renew()).toMatchObject({
      attached: true,
      'timeout-ms': 3000,
      'last-heartbeat': Date.parse('2030-01-01T10:00:02.000Z'),
      expires: Date.parse('2030-01-01T10:00:05.000Z'),
    });
    vi.advanceTimersByTime(2999);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toHaveLength(1);
    expect(expired[0]).toContain('Loom client lease expired');
    expect(expired[0]).toContain('last lease heartbeat came at 2030-01-01T10:00:02.000Z, 3.0 s ago');
    expect(expired[0]).toContain('loom.client.heartbeat-timeout is 3 s');
    expect(expired[0]).toContain('shut itself down at 2030-01-01T10:00:05.000Z');
    expect(expired[0]).toContain('detached (-d)');
    // Late heartbeats do not revive it, and it does not fire again.
    expect(l.renew().attached).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(expired).toHaveLength(1);
  });

  it('counts from start() when the client never heartbeats', () => {
    vi.useFakeTimers({ now: Date.parse('2030-01-01T10:00:00.000Z') });
    const { l, expired } = lease(1500);
    vi.advanceTimersByTime(5000); // not started: no clock yet
    expect(expired).toEqual([]);
    l.start();
    vi.advanceTimersByTime(1500);
    expect(expired[0]).toContain('sent no lease heartbeat since the ApplicationMaster started at 2030-01-01T10:00:05.000Z');
    expect(expired[0]).toContain('loom.client.heartbeat-timeout is 1500 ms');
  });

  it('keeps the cluster while heartbeats come, and forever once released', () => {
    vi.useFakeTimers();
    const { l, expired } = lease(1000);
    l.start();
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(900);
      l.renew();
    }
    expect(expired).toEqual([]);
    expect(l.release()).toEqual({ attached: false, 'timeout-ms': 1000, 'last-heartbeat': Date.now() });
    vi.advanceTimersByTime(60_000);
    expect(expired).toEqual([]);
    expect(l.renew().attached).toBe(false);
  });

  it('stop() cancels the expiry (the AM is ending anyway)', () => {
    vi.useFakeTimers();
    const { l, expired } = lease(1000);
    l.start();
    l.stop();
    vi.advanceTimersByTime(5000);
    expect(expired).toEqual([]);
  });

  it('refuses a timeout that is not positive', () => {
    expect(() => new ClientLease({ timeoutMs: 0, onExpired: () => {} })).toThrow(/loom.client.heartbeat-timeout must be more than 0 ms/);
  });
});

describe('a lapsed lease ends the cluster without its client', () => {
  /** An AM with these jobs; cancelling one makes it CANCELED. */
  function amWith(states: Record<string, JobStatus['state']>, extra: Partial<LostClientHost> = {}) {
    const jobs = new Map(Object.entries(states));
    const events: string[] = [];
    let end: ClusterEnd | undefined;
    const host: LostClientHost = {
      jobs: () => [...jobs].map(([id, state]) => ({ id, state }) as JobStatus),
      cancelJob: async (id) => {
        events.push(`cancel ${id}`);
        jobs.set(id, 'CANCELED');
      },
      clientLost: () => events.push('client lost'),
      finish: (e) => {
        events.push(`finish ${e.finalStatus}`);
        end = e;
      },
      log: () => {},
      ...extra,
    };
    return { host, events, end: () => end };
  }

  it('cancels only the running jobs, then ends a session KILLED with the lease diagnostics and the cancelled jobs', async () => {
    const am = amWith({ a: 'FINISHED', b: 'RUNNING', c: 'INITIALIZING', d: 'FAILED' });
    await endWithoutClient(am.host, 'Loom client lease expired: ...');
    expect(am.events).toEqual(['client lost', 'cancel b', 'cancel c', 'finish KILLED']);
    expect(am.end()).toEqual({
      finalStatus: 'KILLED',
      diagnostics: 'Loom client lease expired: ... Its running job(s) b, c were cancelled.',
    });
  });

  it('the mode names the end from the jobs once the running ones were cancelled', async () => {
    const seen: string[][] = [];
    const am = amWith(
      { done: 'FINISHED', busy: 'RUNNING' },
      {
        endFor: (jobs, lost) => {
          seen.push(jobs.map((j) => `${j.id} ${j.state}`));
          return { finalStatus: 'SUCCEEDED', diagnostics: `mode says: ${lost}` };
        },
      },
    );
    await endWithoutClient(am.host, 'lost');
    expect(seen).toEqual([['done FINISHED', 'busy CANCELED']]);
    expect(am.end()).toEqual({ finalStatus: 'SUCCEEDED', diagnostics: 'mode says: lost' });
  });

  it('a job that cannot be cancelled does not keep the cluster: it still ends', async () => {
    const am = amWith({ stuck: 'RUNNING' }, { cancelJob: async () => Promise.reject(new Error('no TaskExecutor answered')) });
    await endWithoutClient(am.host, 'lost');
    expect(am.end()?.finalStatus).toBe('KILLED');
  });
});
