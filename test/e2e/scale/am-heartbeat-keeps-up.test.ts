// The AM must not fall behind at scale (issue 17; Flink learned it in FLINK-13184): while a job of
// 2,000 short tasks runs on 200 TaskExecutor containers of a simulated cluster (minicluster/simulation/),
// the real AM process keeps heartbeating to the ResourceManager at its configured interval while
// it asks for containers. Read from what the RM recorded, relative to the configured interval: a
// behavioural check, not a throughput figure (bench/scale.ts measures those). Checked to fail when
// the AM's heartbeat handler is made 5 s slow (every gap then exceeds 20 intervals).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { requireBuild } from '../appmaster/am-test-kit.js';
import { startSimulatedSession, type SimulatedSession } from '../../../bench/simulated-session.js';

/** yarn.heartbeat.container-request-interval in this test. */
const INTERVAL_MS = 200;
/** A heartbeat this many intervals late (or a grant not launched within it) means the AM's control loop fell behind. */
const LATE_FACTOR = 20;

let dir: string | undefined;
let sim: SimulatedSession | undefined;

beforeAll(() => requireBuild());

afterEach(async () => {
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  sim = dir = undefined;
});

it('keeps heartbeating at its interval while 2,000 tasks run on up to 200 simulated containers', async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-scale-test-'));
  sim = await startSimulatedSession({
    dir,
    nodes: 5,
    containersPerNode: 40,
    slotsPerTaskExecutor: 1,
    conf: { 'yarn.heartbeat.container-request-interval': `${INTERVAL_MS} ms`, 'loom.taskexecutor.idle-timeout': '2 s' },
    simulation: { heartbeatMs: 50, taskMs: 5 },
  });
  const jobId = await sim.submit(2_000);
  const job = await sim.session.dispatcher.waitForJob(jobId, { pollMs: 250 });
  expect(job.state).toBe('FINISHED');
  expect(job.results).toHaveLength(2_000);

  const { allocateCalls, launches } = sim.simulated.recorder;
  // The job asked for far more containers than the cluster holds: the AM asked through the whole run.
  expect(Math.max(...allocateCalls.map((c) => c.asked))).toBeGreaterThan(200);
  const lateHeartbeats = allocateCalls.flatMap((c, i) =>
    i > 0 && allocateCalls[i - 1].asked > 0 && c.at - allocateCalls[i - 1].at > LATE_FACTOR * INTERVAL_MS
      ? [`${c.at - allocateCalls[i - 1].at} ms after the previous allocate call (#${i})`]
      : [],
  );
  expect(lateHeartbeats).toEqual([]);
  // Containers were started while the job ran. How many depends on how fast the first ones work
  // through the tasks (a fast machine needs fewer than 200), so only that some were; the launch
  // latency is a bench figure (bench/scale.ts), not a pass/fail property on a loaded 2-core machine.
  expect(launches.size).toBeGreaterThan(0);
}, 180_000);
