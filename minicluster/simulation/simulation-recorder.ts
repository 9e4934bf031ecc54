/**
 * What a simulation run records, as plain numbers a benchmark or a test reads afterwards (Hadoop's
 * Scheduler Load Simulator keeps the same kind of record through its SchedulerWrapper): every
 * allocate call the AM made (when, and how many containers it still asked for), every container
 * start the AM asked a simulated NodeManager for (allocation time from the container token, start
 * time, TaskExecutor registration time), and every container end.
 */
export interface AllocateCall {
  /** When the RM received it (ms since the epoch). */
  at: number;
  /** Containers the call asked for in total (the sum of its ANY asks' num_containers). */
  asked: number;
  /** Containers the answer granted. */
  granted: number;
}

export interface ContainerLaunchRecord {
  containerId: string;
  nodeId: string;
  /** The RM allocated it (the container token's creationTime). */
  allocatedAt: number;
  /** The AM's startContainers call reached the simulated NodeManager. */
  startedAt: number;
  /** Its TaskExecutor registered with the AM (its first `registered` answer); undefined until then. */
  registeredAt?: number;
  /** It ended (stopped, killed or exited); undefined while it runs. */
  endedAt?: number;
}

export class SimulationRecorder {
  readonly allocateCalls: AllocateCall[] = [];
  readonly launches = new Map<string, ContainerLaunchRecord>();
  /** Tasks reported FINISHED by the stand-ins. */
  tasksFinished = 0;

  allocateCall(call: AllocateCall): void {
    this.allocateCalls.push(call);
  }

  launchRequested(record: ContainerLaunchRecord): void {
    this.launches.set(record.containerId, record);
  }

  registered(containerId: string, at = Date.now()): void {
    const r = this.launches.get(containerId);
    if (r) r.registeredAt = at;
  }

  ended(containerId: string, at = Date.now()): void {
    const r = this.launches.get(containerId);
    if (r) r.endedAt ??= at;
  }

  /** Containers started and not ended. */
  runningContainers(): number {
    let n = 0;
    for (const r of this.launches.values()) if (r.endedAt === undefined) n++;
    return n;
  }

  /** TaskExecutors registered and not ended. */
  registeredTaskExecutors(): number {
    let n = 0;
    for (const r of this.launches.values()) if (r.registeredAt !== undefined && r.endedAt === undefined) n++;
    return n;
  }
}
