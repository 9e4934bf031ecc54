import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/loom.js';
import { buildContainerLaunchContext } from '../../../client/hadoop/yarn/container-launch-context.js';
import { YarnClient } from '../../../client/hadoop/yarn/yarn-client.js';
import { confWith, siteXml, TempConfDirs } from '../../client/conf/temp-conf-dir.js';
import { CLUSTER_TS, rmConfValues, startMiniRm, type MiniRm } from '../../client/hadoop/yarn/mini-rm-harness.js';

const dirs = new TempConfDirs();
let rm: MiniRm;
const savedEnv = { HADOOP_CONF_DIR: process.env.HADOOP_CONF_DIR, HADOOP_USER_NAME: process.env.HADOOP_USER_NAME };

beforeEach(async () => {
  rm = await startMiniRm();
  // the CLI reads HADOOP_CONF_DIR like `yarn` does
  process.env.HADOOP_CONF_DIR = dirs.make({ 'yarn-site.xml': siteXml(rmConfValues(rm)) });
  process.env.HADOOP_USER_NAME = 'alice';
});

afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  for (const [k, v] of Object.entries(savedEnv)) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- process.env is Node's variable table; delete unsets one
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  dirs.cleanup();
  await rm.stop();
});

/** Runs `loom <args>` through the CLI entry point, capturing what it writes. */
async function loom(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const capture = (sink: 'out' | 'err') => (chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    if (sink === 'out') out += text;
    else err += text;
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture('out'));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture('err'));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined;
  }
}

/** Two applications: one RUNNING (type LOOM, its AM registered) and one ACCEPTED (type OTHER). */
async function twoApplications(): Promise<{ running: string; accepted: string }> {
  const yc = YarnClient.createFromConf(confWith(rmConfValues(rm)), { user: 'alice' });
  try {
    const ids: string[] = [];
    for (const [name, type] of [
      ['wordcount', 'LOOM'],
      ['other', 'OTHER'],
    ] as const) {
      const { applicationId } = await yc.getNewApplication();
      await yc.submitApplication({
        applicationId,
        name,
        type,
        amResource: { memoryMb: 512, vcores: 1 },
        amContainer: buildContainerLaunchContext({ commands: ['true'] }),
      });
      ids.push(applicationId);
    }
    rm.core.nodeHeartbeat(rm.nodeId);
    const attempt = rm.core.appRecord(ids[0]).attempts[0];
    rm.core.amContainerLaunched(attempt.amContainerId!);
    rm.core.registerApplicationMaster(attempt.id, { host: 'am-host', rpc_port: 8081, tracking_url: 'http://am-host:8081/' });
    return { running: ids[0], accepted: ids[1] };
  } finally {
    await yc.close();
  }
}

const APP_HEADER =
  '                Application-Id\t    Application-Name\t    Application-Type\t      User\t     Queue\t             State\t       Final-State\t       Progress\t                       Tracking-URL';

describe('loom yarn application', () => {
  it("-list prints Hadoop's header and tab-separated columns, filtered by -appStates / -appTypes", async () => {
    const { running, accepted } = await twoApplications();
    const all = await loom('yarn', 'application', '-list');
    expect(all.code).toBe(0);
    const lines = all.out.split('\n');
    expect(lines[0]).toBe('Total number of applications (application-types: [], states: [SUBMITTED, ACCEPTED, RUNNING] and tags: []):2');
    expect(lines[1]).toBe(APP_HEADER);
    const rows = lines.slice(2, 4).map((l) => l.split('\t').map((c) => c.trim()));
    expect(rows).toContainEqual([running, 'wordcount', 'LOOM', 'alice', 'default', 'RUNNING', 'UNDEFINED', '0%', 'http://am-host:8081/']);
    expect(rows).toContainEqual([accepted, 'other', 'OTHER', 'alice', 'default', 'ACCEPTED', 'UNDEFINED', '0%', 'N/A']);
    expect(lines[2].split('\t')[0]).toBe(running.padStart(30));

    const filtered = await loom('yarn', 'application', '-list', '-appStates', 'running,accepted', '-appTypes', 'loom');
    expect(filtered.out.split('\n')[0]).toBe(
      'Total number of applications (application-types: [LOOM], states: [ACCEPTED, RUNNING] and tags: []):1',
    );
    expect(filtered.out.split('\n')[2]).toContain(running);

    const finished = await loom('yarn', 'application', '--list', '--appStates', 'FINISHED');
    expect(finished.out).toBe(`Total number of applications (application-types: [], states: [FINISHED] and tags: []):0\n${APP_HEADER}\n`);
    const every = await loom('yarn', 'application', '-list', '-appStates', 'ALL');
    expect(every.out.split('\n')[0]).toMatch(
      /states: \[NEW, NEW_SAVING, SUBMITTED, ACCEPTED, RUNNING, FINISHED, FAILED, KILLED\] and tags: \[\]\):2$/,
    );
  });

  it('-status prints the Application Report block', async () => {
    const { running } = await twoApplications();
    const r = await loom('yarn', 'application', '-status', running);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'Application Report : ',
      `\tApplication-Id : ${running}`,
      '\tApplication-Name : wordcount',
      '\tApplication-Type : LOOM',
      '\tUser : alice',
      '\tQueue : default',
    ]);
    expect(lines).toContain('\tState : RUNNING');
    expect(lines).toContain('\tFinal-State : UNDEFINED');
    expect(lines).toContain('\tTracking-URL : http://am-host:8081/');
    expect(lines).toContain('\tRPC Port : 8081');
    expect(lines).toContain('\tAM Host : am-host');
    expect(lines).toContain('\tUnmanaged Application : false');
    expect(lines.find((l) => l.startsWith('\tAggregate Resource Allocation : '))).toMatch(
      /^\tAggregate Resource Allocation : \d+ MB-seconds, \d+ vcore-seconds$/,
    );
    expect(lines).toContain('\tTimeoutType : LIFETIME\tExpiryTime : UNLIMITED\tRemainingTime : -1seconds');
    expect(r.out.endsWith('seconds\n\n')).toBe(true);
  });

  it('-kill kills a running application and says so for a finished one', async () => {
    const { running } = await twoApplications();
    const kill = await loom('yarn', 'application', '-kill', running);
    expect(kill).toMatchObject({ code: 0, out: `Killing application ${running}\n` });
    expect(rm.core.appRecord(running).state).toBe('KILLED');
    expect(await loom('yarn', 'application', '-kill', running)).toMatchObject({
      code: 0,
      out: `Application ${running} has already finished \n`,
    });
  });

  it('reports a missing application, a malformed id and bad usage in one line with a non-zero exit', async () => {
    const missing = `application_${CLUSTER_TS}_0042`;
    const status = await loom('yarn', 'application', '-status', missing);
    expect(status).toEqual({
      code: 1,
      out: '',
      err: `loom yarn application -status: Application with id '${missing}' doesn't exist in RM or Timeline Server.\n`,
    });
    const kill = await loom('yarn', 'application', '-kill', missing);
    expect(kill).toEqual({ code: 1, out: '', err: `loom yarn application -kill: Application with id '${missing}' doesn't exist in RM.\n` });
    // A malformed id is bad usage (exit 2), refused before the ResourceManager is asked.
    const bad = await loom('yarn', 'application', '-status', 'app_1');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /^loom yarn: -status "app_1" is not a YARN application id: write application_<clusterTimestamp>_<sequence>, .* \(see loom yarn -help\)\n$/,
    );

    const state = await loom('yarn', 'application', '-list', '-appStates', 'SLEEPING');
    expect(state.code).toBe(2);
    expect(state.err).toBe(
      'loom yarn: "SLEEPING" is not a valid application state (or ALL); valid values: NEW, NEW_SAVING, SUBMITTED, ACCEPTED, RUNNING, FINISHED, FAILED, KILLED (see loom yarn -help)\n',
    );
    expect((await loom('yarn', 'application', '-status')).err).toBe(
      'loom yarn: Missing argument for option -status (see loom yarn -help)\n',
    );
    expect((await loom('yarn', 'application')).err).toBe(
      'loom yarn: application needs exactly one of -list, -status, -kill (see loom yarn -help)\n',
    );
    expect((await loom('yarn', 'bogus')).code).toBe(2);
    expect((await loom('yarn')).code).toBe(2);
    expect((await loom('yarn', '-help')).code).toBe(0);
  });

  it('says which ResourceManager it could not reach', async () => {
    const port = rm.clientPort;
    await rm.stop();
    const r = await loom('yarn', '-D', 'yarn.resourcemanager.connect.max-wait.ms=200', 'application', '-list');
    expect(r.code).toBe(1);
    // a retry line per attempt, then one line naming the address and the setting that bounded the wait
    const lines = r.err.trimEnd().split('\n');
    expect(
      lines
        .slice(0, -1)
        .every((l) => l.startsWith(`Retrying connect to the ResourceManager at 127.0.0.1:${port} (connection refused). Already tried `)),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^loom yarn application -list: cannot reach the ResourceManager at 127\\.0\\.0\\.1:${port} .*yarn\\.resourcemanager\\.connect\\.max-wait\\.ms=200`,
      ),
    );
  });
});

describe('loom yarn node and queue', () => {
  it("node -list prints the running nodes in Hadoop's columns", async () => {
    const r = await loom('yarn', 'node', '-list');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe(
      `Total Nodes:1\n         Node-Id\t     Node-State\tNode-Http-Address\tNumber-of-Running-Containers\n${rm.nodeId.padStart(16)}\t        RUNNING\t   localhost:8042\t                           0\n`,
    );
    expect((await loom('yarn', 'node', '-list', '-states', 'LOST')).out).toBe(
      'Total Nodes:0\n         Node-Id\t     Node-State\tNode-Http-Address\tNumber-of-Running-Containers\n',
    );
  });

  it('queue -status prints the Queue Information block, and an unknown queue is an error', async () => {
    const r = await loom('yarn', 'queue', '-status', 'default');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.slice(0, 7)).toEqual([
      'Queue Information : ',
      'Queue Name : default',
      '\tState : RUNNING',
      '\tCapacity : 100.0%',
      '\tCurrent Capacity : .0%',
      '\tMaximum Capacity : 100.0%',
      '\tDefault Node Label expression : <DEFAULT_PARTITION>',
    ]);
    // labels and the preemption lines depend on what the RM reports; their shape does not
    expect(lines[7]).toMatch(/^\tAccessible Node Labels : [^\n]*$/);
    for (const extra of lines.slice(8, -1)) expect(extra).toMatch(/^\t(Preemption|Intra-queue Preemption) : (enabled|disabled)$/);
    expect(lines.at(-1)).toBe('');
    const unknown = await loom('yarn', 'queue', '-status', 'nope');
    expect(unknown).toEqual({
      code: 1,
      out: '',
      err:
        `loom yarn queue -status: java.io.IOException: Unknown queue: nope [127.0.0.1:${rm.clientPort}` +
        ' (ApplicationClientProtocolPB.getQueueInfo)]\n',
    });
  });
});
