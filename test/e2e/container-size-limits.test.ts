// Sizes YARN would refuse are refused by the client, for every deployer (session, per-job,
// application), right after getNewApplication told the RM's maximum allocation: one line naming
// the size, the maximum and the setting to change, nothing submitted, nothing uploaded (not even
// the runtime). As Flink's YarnClusterDescriptor does before it deploys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stagingRootEntries, WORD_COUNT } from '../modes/word-count-kit.js';
import { startSessionKit, type SessionKit } from './session-kit.js';

/** main() needs an input path; the cluster is refused before any task could read it. */
const INPUT = '/user/nobody/input.txt';

let kit: SessionKit;
beforeAll(async () => {
  // A cluster whose largest container is 2048 MiB and 4 vcores (yarn-site.xml, as on a real cluster).
  kit = await startSessionKit({ nodes: 1, cluster: { rmConfig: { minimumAllocationMb: 128, maximumAllocationMb: 2048, maximumAllocationVcores: 4 } } });
}, 60_000);
afterAll(async () => {
  await kit?.stop();
});

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
    { name: 'run -m yarn-cluster -ytm 3g', args: ['run', '-m', 'yarn-cluster', '-ytm', '3g', WORD_COUNT, INPUT], line: `TaskExecutor memory of 3072 MiB is more than the cluster's largest container (2048 MiB, yarn.scheduler.maximum-allocation-mb): lower -tm / taskmanager.memory.process.size` },
    {
      name: 'run-application -ys 5',
      args: ['run-application', '-t', 'yarn-application', '-ys', '5', WORD_COUNT, INPUT],
      line: vcoresPerSlot(5),
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const r = await kit.loom(c.args);
      expect(r.code, r.stdout + r.stderr).not.toBe(0);
      // One line naming the size, the maximum and the fix (a program's main() prefixes what failed it).
      const [command] = c.args;
      const prefix = command === 'yarn-session' ? 'yarn-session: ' : `loom ${command}: `;
      expect(r.stderr.trimEnd().split('\n').filter((l) => l.startsWith(prefix) && l.endsWith(c.line)), r.stderr).toHaveLength(1);
      expect(r.stderr, 'nothing is staged').not.toMatch(/deploying|staging files/);
      expect(await kit.yarn.getApplications()).toEqual([]);
      expect(await stagingRootEntries(kit)).toBeUndefined(); // no .loom at all: neither staging dir nor runtime
    }, 30_000);
  }

  it('sizes at the maximum pass the check (the session starts)', async () => {
    const r = await kit.loom(['yarn-session', '-d', '-s', '4', '-tm', '2g']);
    expect(r.code, r.stderr).toBe(0);
    const [app] = await kit.yarn.getApplications();
    await kit.yarn.killApplication(app!.applicationId);
  }, 60_000);
});
