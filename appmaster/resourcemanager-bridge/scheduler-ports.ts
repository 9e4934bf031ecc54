// What the bridge needs from YARN, as narrow interfaces: the AM-RM protocol (allocate) and the
// NodeManagers (start/stop a container). The AM's wiring adapts client/hadoop/yarn's AMRMClient and
// NMClient to these; tests use in-memory fakes. Field names match client/hadoop/yarn's records.

import type { Resource } from '../../client/hadoop/yarn/yarn-records.js';

export interface GrantedContainer {
  id: string;
  /** host:port of the NodeManager. */
  nodeId: string;
  resource: Resource;
}

export interface FinishedContainer {
  containerId: string;
  exitStatus: number;
  diagnostics: string;
}

export interface AllocateRound {
  /** TaskExecutor containers still wanted beyond those granted: YARN replaces the ask with it. */
  ask: number;
  /** Containers to give back. */
  release: string[];
}

export interface AllocateAnswer<C extends GrantedContainer = GrantedContainer> {
  allocated: C[];
  completed: FinishedContainer[];
  /** The RM sent AM_SHUTDOWN: it no longer knows this attempt. */
  shutdownRequested: boolean;
}

export interface SchedulerPort<C extends GrantedContainer = GrantedContainer> {
  allocate(round: AllocateRound): Promise<AllocateAnswer<C>>;
}

export interface ContainerLauncherPort<C extends GrantedContainer = GrantedContainer, S = unknown> {
  start(container: C, spec: S): Promise<void>;
  stop(container: C): Promise<void>;
}
