import { describe, expect, it } from 'vitest';
import { formatAge, formatClusterTable, listClusters, modeOf } from '../../../../client/deploy/running/list-clusters.js';
import type { ApplicationReport } from '../../../../client/hadoop/yarn/cluster-reports.js';
import type { YarnClient } from '../../../../client/hadoop/yarn/yarn-client.js';

function report(over: Partial<ApplicationReport>): ApplicationReport {
  return {
    applicationId: 'application_1_0001',
    user: 'alice',
    queue: 'default',
    name: 'Loom session cluster',
    state: 'RUNNING',
    applicationType: 'Loom',
    applicationTags: [],
    startTime: 1_000_000,
    trackingUrl: 'http://rm:8088/proxy/application_1_0001/',
    ...over,
  } as ApplicationReport;
}

describe('list-clusters', () => {
  it('the mode comes from the loom-mode tag, else a default-named cluster is a session', () => {
    expect(modeOf({ applicationTags: ['team', 'loom-mode:per-job'], name: 'x' })).toBe('per-job');
    expect(modeOf({ applicationTags: ['LOOM-MODE:application'], name: 'x' })).toBe('application');
    expect(modeOf({ applicationTags: ['loom-mode:weird'], name: 'Loom session cluster' })).toBe('session');
    expect(modeOf({ applicationTags: [], name: 'my job' })).toBe('unknown');
  });

  it('ages read like a person would say them', () => {
    expect(formatAge(0)).toBe('0s');
    expect(formatAge(59_999)).toBe('59s');
    expect(formatAge(12 * 60_000 + 3_000)).toBe('12m 03s');
    expect(formatAge(3 * 3_600_000 + 5 * 60_000 + 59_000)).toBe('3h 05m');
    expect(formatAge(2 * 86_400_000 + 4 * 3_600_000)).toBe('2d 04h');
  });

  it("keeps the user's running Loom applications, oldest first, and asks YARN for exactly those", async () => {
    let asked: unknown;
    const yarn = {
      getApplications: async (filter: unknown) => {
        asked = filter;
        return [
          report({
            applicationId: 'application_1_0003',
            startTime: 1_030_000,
            applicationTags: ['loom-mode:application'],
            name: 'etl',
            queue: 'q1',
            state: 'ACCEPTED',
            trackingUrl: '',
          }),
          report({ applicationId: 'application_1_0001' }),
          report({ applicationId: 'application_1_0002', user: 'bob' }),
          report({ applicationId: 'application_1_0004', applicationType: 'MAPREDUCE' }),
          report({ applicationId: 'application_1_0005', state: 'FINISHED' }),
        ];
      },
    } as unknown as YarnClient;
    const clusters = await listClusters(yarn, { user: 'alice', now: () => 1_090_000 });
    expect(asked).toEqual({ types: ['Loom'], states: ['ACCEPTED', 'RUNNING'] });
    expect(clusters).toEqual([
      {
        applicationId: 'application_1_0001',
        name: 'Loom session cluster',
        mode: 'session',
        state: 'RUNNING',
        user: 'alice',
        queue: 'default',
        startedAt: 1_000_000,
        ageMs: 90_000,
        dashboardUrl: 'http://rm:8088/proxy/application_1_0001/',
      },
      {
        applicationId: 'application_1_0003',
        name: 'etl',
        mode: 'application',
        state: 'ACCEPTED',
        user: 'alice',
        queue: 'q1',
        startedAt: 1_030_000,
        ageMs: 60_000,
        dashboardUrl: '',
      },
    ]);
    expect((await listClusters(yarn, {})).map((c) => c.applicationId)).toEqual([
      'application_1_0001',
      'application_1_0002',
      'application_1_0003',
    ]);

    const table = formatClusterTable(clusters).split('\n');
    expect(table[0]).toMatch(/^APPLICATION ID\s+NAME\s+MODE\s+STATE\s+AGE\s+QUEUE\s+DASHBOARD$/);
    expect(table[1]).toMatch(
      /^application_1_0001\s+Loom session cluster\s+session\s+RUNNING\s+1m 30s\s+default\s+http:\/\/rm:8088\/proxy\/application_1_0001\/$/,
    );
    expect(table[2]).toMatch(/^application_1_0003\s+etl\s+application\s+ACCEPTED\s+1m 00s\s+q1\s+\(not registered yet\)$/);
    // Columns line up: every cell of a column starts at the header's offset.
    expect(table[1].slice(table[0].indexOf('MODE'))).toMatch(/^session /);
    expect(table[2].slice(table[0].indexOf('AGE'))).toMatch(/^1m 00s /);
    expect(table[2].slice(table[0].indexOf('DASHBOARD'))).toBe('(not registered yet)');
  });

  it('a name with control characters cannot break the table', () => {
    const [c] = [
      {
        applicationId: 'a',
        name: 'x\n\ty',
        mode: 'session' as const,
        state: 'RUNNING',
        user: 'u',
        queue: 'q',
        startedAt: 0,
        ageMs: 0,
        dashboardUrl: 'd',
      },
    ];
    expect(formatClusterTable([c]).split('\n')).toHaveLength(3);
  });
});
