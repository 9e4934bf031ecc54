// Sizes YARN would refuse are refused by the client, for every deployer (session, per-job,
// application), right after getNewApplication told the RM's maximum allocation: one line naming
// the size, the maximum and the setting to change, nothing submitted, nothing uploaded (not even
// the runtime). As Flink's YarnClusterDescriptor does before it deploys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stagingRootEntries, WORD_COUNT } from './modes/word-count-kit.js';
import { startSessionKit, type SessionKit } from './session-kit.js';

/** main() needs an input path; the cluster is refused before any task could read it. */
const INPUT = '/user/nobody/input.txt';

let kit: SessionKit;
beforeAll(async () => {
  // A cluster whose largest container is 2048 MiB and 4 vcores (yarn-site.xml, as on a real cluster).
  kit = await startSessionKit({
    nodes: 1,
    cluster: { rmConfig: { minimumAllocationMb: 128, maximumAllocationMb: 2048, maximumAllocationVcores: 4 } },
  });
}, 60_000);
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed before assigning it
  await kit?.stop();
});

/** Every application the RM knows (getNewApplication alone adds none). */
const applicationIds = async () => (await kit.yarn.getApplications()).map((a) => a.applicationId).sort();

const vcoresPerSlot = (n: number) =>
  `TaskExecutor vcores ${n} are more than the cluster's largest container (4 vcores, yarn.scheduler.maximum-allocation-vcores): ` +
  'lower -s / taskmanager.numberOfTaskSlots (one vcore per slot unless yarn.containers.vcores is set) to at most 4';

describe("the client refuses containers above the RM's maximum allocation before anything is uploaded", () => {
  /** `line`: the message, after the command's prefix. */
  const cases: { name: string; args: string[]; line: string }[] = [
    { name: 'yarn-session -s 9', args: ['yarn-session', '-d', '-s', '9'], line: vcoresPerSlot(9) },
    {
      name: 'yarn-session -tm 3g',
      args: ['yarn-session', '-d', '-tm', '3g'],
      line: "TaskExecutor memory of 3072 MiB is more than the cluster's largest container (2048 MiB, yarn.scheduler.maximum-allocation-mb): lower -tm / taskmanager.memory.process.size",
    },
    {
      name: 'yarn-session -jm 4096',
      args: ['yarn-session', '-d', '-jm', '4096'],
      line: "AM memory of 4096 MiB is more than the cluster's largest container (2048 MiB, yarn.scheduler.maximum-allocation-mb): lower -jm / jobmanager.memory.process.size",
    },
    {
      name: '-D yarn.containers.vcores=6',
      args: ['yarn-session', '-d', '-D', 'yarn.containers.vcores=6'],
      line: "TaskExecutor vcores 6 are more than the cluster's largest container (4 vcores, yarn.scheduler.maximum-allocation-vcores): lower yarn.containers.vcores to at most 4",
    },
    {
      name: '-D yarn.appmaster.vcores=5',
      args: ['yarn-session', '-d', '-Dyarn.appmaster.vcores=5'],
      line: "AM vcores 5 are more than the cluster's largest container (4 vcores, yarn.scheduler.maximum-allocation-vcores): lower yarn.appmaster.vcores to at most 4",
    },
    // Per-job: the program's main() runs here; its first submit() deploys the job's cluster.
    { name: 'run -t yarn-per-job -ys 8', args: ['run', '-t', 'yarn-per-job', '-ys', '8', WORD_COUNT, INPUT], line: vcoresPerSlot(8) },
    {
      name: 'run -m yarn-cluster -ytm 3g',
      args: ['run', '-m', 'yarn-cluster', '-ytm', '3g', WORD_COUNT, INPUT],
      line: `TaskExecutor memory of 3072 MiB is more than the cluster's largest container (2048 MiB, yarn.scheduler.maximum-allocation-mb): lower -tm / taskmanager.memory.process.size`,
    },
    {
      name: 'run-application -ys 5',
      args: ['run-application', '-t', 'yarn-application', '-ys', '5', WORD_COUNT, INPUT],
      line: vcoresPerSlot(5),
    },
  ];

  for (const c of cases) {
    it(
      c.name,
      async () => {
        const before = await applicationIds();
        const staged = await stagingRootEntries(kit);
        const r = await kit.loom(c.args);
        expect(r.code, r.stdout + r.stderr).not.toBe(0);
        // One line naming the size, the maximum and the fix (a program's main() prefixes what failed it).
        const [command] = c.args;
        const prefix = command === 'yarn-session' ? 'yarn-session: ' : `loom ${command}: `;
        expect(
          r.stderr
            .trimEnd()
            .split('\n')
            .filter((l) => l.startsWith(prefix) && l.endsWith(c.line)),
          r.stderr,
        ).toHaveLength(1);
        expect(r.stderr, 'nothing is staged').not.toMatch(/deploying|staging files/);
        expect(await applicationIds()).toEqual(before);
        expect(staged).toBeUndefined(); // the first session of this suite is at its end
        expect(await stagingRootEntries(kit)).toBeUndefined(); // no .loom at all: neither staging dir nor runtime
      },
      30_000,
    );
  }

  it('sizes at the maximum pass the check (the session starts)', async () => {
    const r = await kit.loom(['yarn-session', '-d', '-s', '4', '-tm', '2g']);
    expect(r.code, r.stderr).toBe(0);
    const [app] = await kit.yarn.getApplications();
    await kit.yarn.killApplication(app.applicationId);
    await kit.waitFor('the session to end', async () => ((await kit.report(app.applicationId)).state === 'KILLED' ? true : undefined));
  }, 60_000);
});

describe('sizes below what a Loom process runs in are refused, wherever they are given', () => {
  const tooSmall = (what: string, size: string, role: 'ApplicationMaster' | 'TaskExecutor', fix: string) =>
    `${what} is ${size}, less than the 512 MiB a Loom ${role} needs (Node.js does not fit in less under YARN's virtual memory check): give ${fix} or more`;
  const cases: { args: string[]; line: string }[] = [
    { args: ['yarn-session', '-d', '-jm', '1k'], line: `yarn-session: ${tooSmall('-jm="1k"', '1 KiB', 'ApplicationMaster', '-jm 512m')}` },
    { args: ['yarn-session', '-d', '-jm', '0'], line: `yarn-session: ${tooSmall('-jm="0"', '0 bytes', 'ApplicationMaster', '-jm 512m')}` },
    { args: ['yarn-session', '-d', '-tm', '0'], line: `yarn-session: ${tooSmall('-tm="0"', '0 bytes', 'TaskExecutor', '-tm 512m')}` },
    { args: ['yarn-session', '-d', '-tm', '100m'], line: `yarn-session: ${tooSmall('-tm="100m"', '100 MiB', 'TaskExecutor', '-tm 512m')}` },
    {
      args: ['yarn-session', '-d', '-D', 'jobmanager.memory.process.size=1k'],
      line: `yarn-session: ${tooSmall('jobmanager.memory.process.size="1k" (from -D)', '1 KiB', 'ApplicationMaster', 'jobmanager.memory.process.size=512m')}`,
    },
    {
      args: ['run', '-t', 'yarn-per-job', '-yjm', '500m', WORD_COUNT, INPUT],
      line: `loom run: ${tooSmall('-yjm="500m"', '500 MiB', 'ApplicationMaster', '-yjm 512m')}`,
    },
    {
      args: ['run-application', '-t', 'yarn-application', '-yD', 'taskmanager.memory.process.size=0.25g', WORD_COUNT, INPUT],
      line: `loom run-application: ${tooSmall('taskmanager.memory.process.size="0.25g" (from -D)', '256 MiB', 'TaskExecutor', 'taskmanager.memory.process.size=512m')}`,
    },
  ];
  for (const c of cases) {
    it(
      c.args.filter((a) => a !== WORD_COUNT && a !== INPUT).join(' '),
      async () => {
        const before = await applicationIds();
        const staged = await stagingRootEntries(kit);
        const started = Date.now();
        const r = await kit.loom(c.args, { timeoutMs: 15_000 });
        expect(Date.now() - started, 'refused within 15 s').toBeLessThan(15_000);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`${c.line}\n`);
        expect(await applicationIds()).toEqual(before);
        expect(await stagingRootEntries(kit)).toEqual(staged);
      },
      30_000,
    );
  }
});
