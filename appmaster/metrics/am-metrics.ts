/**
 * The AM's metrics, served at `/metrics` in Prometheus' text format: one scrape target per
 * cluster, as a person running one application wants, so TaskExecutors report their own numbers
 * to the AM in their heartbeats and appear here with a `taskexecutor` (container id) label.
 * Names follow Prometheus' conventions: the `loom_` prefix, base units in the name (`_seconds`,
 * `_bytes`), counters end in `_total`. Values the AM keeps anyway (jobs, tasks, slots, registered
 * TaskExecutors) are read at scrape time; events (container allocations, losses, HA store
 * writes, REST requests, RM heartbeats) are counted as they happen by the parts that see them.
 */
import type { TaskState } from '../../client/contracts/job-states.js';
import { TASK_STATES } from '../../client/contracts/job-states.js';
import { ContainerExitStatus } from '../../client/hadoop/yarn/container-exit-status.js';
import type { ClusterControl } from '../cluster-api.js';
import type {
  AllocateAnswer,
  AllocateRound,
  ContainerLauncherPort,
  GrantedContainer,
  SchedulerPort,
} from '../resourcemanager-bridge/scheduler-ports.js';
import type { TaskExecutorRegistry } from '../taskexecutors/taskexecutor-registry.js';
import { MetricRegistry, type CollectedSample, type Counter, type Histogram } from './metric-registry.js';

const JOB_STATES = ['INITIALIZING', 'RUNNING', 'CANCELLING', 'FINISHED', 'FAILED', 'CANCELED'] as const;

export interface AmMetricSources {
  control: Pick<ClusterControl, 'overview' | 'jobs'>;
  registry: Pick<TaskExecutorRegistry, 'on' | 'reportedMetrics'>;
  /** When the AM process started (ms since the epoch). */
  startedAt: number;
  now?: () => number;
}

export class AmMetrics {
  readonly registry = new MetricRegistry();
  private readonly now: () => number;
  private startingTaskExecutors: () => number = () => 0;
  private readonly restRequests: Histogram;
  private readonly haWrites: Counter;
  private readonly haWriteLatency: Histogram;
  private readonly rmHeartbeats: Histogram;
  private readonly containerAsk: { value: number } = { value: 0 };
  private readonly allocations: Counter;
  private readonly completions: Counter;
  private readonly failures: Counter;
  private readonly launches: Counter;
  private readonly unsubscribe: () => void;

  constructor(sources: AmMetricSources) {
    const r = this.registry;
    this.now = sources.now ?? Date.now;
    const { control } = sources;

    r.collected('loom_jobs', 'Jobs of this cluster by state.', 'gauge', () => {
      const jobs = control.jobs();
      return JOB_STATES.map((state) => ({ labels: { state }, value: jobs.filter((j) => j.state === state).length }));
    });
    r.collected('loom_tasks', 'Tasks of all jobs by state (each task counted once, in its latest attempt).', 'gauge', () => {
      const counts = new Map<TaskState, number>(TASK_STATES.map((s) => [s, 0]));
      for (const j of control.jobs()) for (const t of j.tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
      return [...counts].map(([state, value]) => ({ labels: { state }, value }));
    });
    const attemptsStarted = r.counter('loom_task_attempts_started_total', 'Task attempts a TaskExecutor reported RUNNING.');
    const attemptsEnded = r.counter(
      'loom_task_attempts_ended_total',
      'Task attempts that ended, by how: finished, failed, canceled, or lost with their TaskExecutor.',
    );
    const teRegistered = r.counter('loom_taskexecutors_registered_total', 'TaskExecutor registrations (a re-registration counts again).');
    const teLost = r.counter(
      'loom_taskexecutors_lost_total',
      'TaskExecutors lost without the AM asking: their stream ended (a crash, a killed container) or they missed heartbeats.',
    );
    const teReleased = r.counter(
      'loom_taskexecutors_released_total',
      'TaskExecutors that ended because the AM gave their container back (idle, or the AM stopping).',
    );
    this.unsubscribe = sources.registry.on((e) => {
      if (e.type === 'registered') teRegistered.inc();
      else if (e.type === 'lost') {
        (e.released ? teReleased : teLost).inc();
        if (e.tasks.length) attemptsEnded.inc({ state: 'lost' }, e.tasks.length);
      } else if (e.type === 'taskUpdate') {
        const state = e.update.state;
        if (state === 'RUNNING') attemptsStarted.inc();
        else attemptsEnded.inc({ state: state.toLowerCase() });
      }
    });

    r.collected('loom_slots', 'Task slots of the registered TaskExecutors.', 'gauge', () => [{ value: control.overview().slotsTotal }]);
    r.collected('loom_slots_free', 'Task slots free for a task.', 'gauge', () => [{ value: control.overview().slotsAvailable }]);
    r.collected('loom_taskexecutors', 'TaskExecutors by state: registered with the AM, or in a container still starting.', 'gauge', () => [
      { labels: { state: 'registered' }, value: control.overview().taskExecutors },
      { labels: { state: 'starting' }, value: this.startingTaskExecutors() },
    ]);

    r.collected('loom_container_asks', 'TaskExecutor containers asked of YARN in the last heartbeat and not granted yet.', 'gauge', () => [
      { value: this.containerAsk.value },
    ]);
    this.allocations = r.counter('loom_container_allocations_total', 'Containers YARN granted to this AM attempt.');
    this.completions = r.counter('loom_container_completions_total', 'Containers YARN reported completed.');
    this.failures = r.counter(
      'loom_container_failures_total',
      'Containers that failed: completed with an exit status other than 0 and ABORTED (released by the AM), or whose launch failed.',
    );
    // Unlabelled counters start at 0, so a rate() over the first increase is right.
    for (const c of [attemptsStarted, teRegistered, teLost, this.allocations, this.completions, this.failures]) c.inc({}, 0);
    this.launches = r.counter('loom_container_launches_total', 'TaskExecutor launches on NodeManagers, by outcome.');
    this.rmHeartbeats = r.histogram(
      'loom_rm_heartbeat_duration_seconds',
      'AM -> ResourceManager heartbeats (allocate calls), by outcome, in seconds.',
    );
    this.haWrites = r.counter('loom_ha_store_writes_total', 'Records written to the HA store on HDFS, by record and outcome.');
    this.haWriteLatency = r.histogram('loom_ha_store_write_duration_seconds', 'HA store record writes (create + rename), in seconds.');
    this.restRequests = r.histogram(
      'loom_rest_request_duration_seconds',
      'Dispatcher REST requests by route (its pattern, not the path), method and status, in seconds.',
    );

    r.collected('loom_process_resident_memory_bytes', "The AM process' resident set size.", 'gauge', () => [
      { value: process.memoryUsage.rss() },
    ]);
    r.collected('loom_process_heap_used_bytes', "The AM's V8 heap in use.", 'gauge', () => [{ value: process.memoryUsage().heapUsed }]);
    r.collected('loom_process_cpu_seconds_total', 'User and system CPU time of the AM process.', 'counter', () => {
      const cpu = process.cpuUsage();
      return [{ value: (cpu.user + cpu.system) / 1e6 }];
    });
    r.collected('loom_process_start_time_seconds', 'When the AM started, in seconds since the epoch.', 'gauge', () => [
      { value: sources.startedAt / 1000 },
    ]);
    r.collected('loom_uptime_seconds', 'Seconds since the AM started.', 'gauge', () => [
      { value: Math.max(0, (this.now() - sources.startedAt) / 1000) },
    ]);

    const perTaskExecutor = (read: (m: ReturnType<typeof sources.registry.reportedMetrics>[number]['metrics']) => number) => () =>
      sources.registry
        .reportedMetrics()
        .map(({ id, metrics }): CollectedSample => ({ labels: { taskexecutor: id }, value: read(metrics) }));
    r.collected(
      'loom_taskexecutor_resident_memory_bytes',
      'Resident set size of each registered TaskExecutor, as its last heartbeat reported it.',
      'gauge',
      perTaskExecutor((m) => m.residentMemoryBytes),
    );
    r.collected(
      'loom_taskexecutor_heap_used_bytes',
      "Each TaskExecutor's V8 heap in use.",
      'gauge',
      perTaskExecutor((m) => m.heapUsedBytes),
    );
    r.collected(
      'loom_taskexecutor_cpu_seconds_total',
      'User and system CPU time of each TaskExecutor process.',
      'counter',
      perTaskExecutor((m) => m.cpuSeconds),
    );
    r.collected('loom_taskexecutor_tasks_total', 'Task attempts each TaskExecutor ran to their end, by state.', 'counter', () =>
      sources.registry.reportedMetrics().flatMap(({ id, metrics: m }) => [
        { labels: { taskexecutor: id, state: 'finished' }, value: m.tasksFinished },
        { labels: { taskexecutor: id, state: 'failed' }, value: m.tasksFailed },
        { labels: { taskexecutor: id, state: 'canceled' }, value: m.tasksCanceled },
      ]),
    );
    r.collected(
      'loom_taskexecutor_result_bytes_total',
      "Bytes of the JSON results each TaskExecutor's tasks returned.",
      'counter',
      perTaskExecutor((m) => m.resultBytes),
    );
  }

  /** The text the `/metrics` route answers. */
  render(): string {
    return this.registry.render();
  }

  /** How many TaskExecutor containers are held but not registered yet (the ResourceManager bridge knows). */
  countStartingWith(starting: () => number): void {
    this.startingTaskExecutors = starting;
  }

  /** One REST request answered: `route` is the route table's pattern (`/jobs/:id`), never the path. */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.restRequests.observe({ route, method, status: String(status) }, seconds);
  }

  /** Times one HA store write (`record`: cluster, job, ended, master). */
  async timeHaWrite(record: string, write: () => Promise<void>): Promise<void> {
    let outcome = 'error';
    try {
      await this.haWriteLatency.time(write, (ok) => ({ record, outcome: ok ? 'ok' : 'error' }));
      outcome = 'ok';
    } finally {
      this.haWrites.inc({ record, outcome });
    }
  }

  /** The scheduler port with every allocate timed and its asks, allocations and completions counted. */
  instrumentScheduler<C extends GrantedContainer>(port: SchedulerPort<C>): SchedulerPort<C> {
    return {
      allocate: async (round: AllocateRound): Promise<AllocateAnswer<C>> => {
        const answer = await this.rmHeartbeats.time(
          () => port.allocate(round),
          (ok) => ({ outcome: ok ? 'ok' : 'error' }),
        );
        this.containerAsk.value = Math.max(0, round.ask - answer.allocated.length);
        this.allocations.inc({}, answer.allocated.length);
        this.completions.inc({}, answer.completed.length);
        const failed = answer.completed.filter((c) => c.exitStatus !== 0 && c.exitStatus !== ContainerExitStatus.ABORTED).length;
        this.failures.inc({}, failed);
        return answer;
      },
    };
  }

  /** The launcher port with each TaskExecutor launch counted by outcome (a failed launch is a container failure). */
  instrumentLauncher<C extends GrantedContainer, S>(port: ContainerLauncherPort<C, S>): ContainerLauncherPort<C, S> {
    return {
      start: async (container, spec) => {
        try {
          await port.start(container, spec);
          this.launches.inc({ outcome: 'ok' });
        } catch (err) {
          this.launches.inc({ outcome: 'error' });
          this.failures.inc();
          throw err;
        }
      },
      stop: (container) => port.stop(container),
    };
  }

  close(): void {
    this.unsubscribe();
  }
}
