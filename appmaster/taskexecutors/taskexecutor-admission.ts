/**
 * Which TaskExecutor ids the AM's gateway accepts. The cluster secret only says that a peer
 * belongs to this cluster; the id it registers under must also be a container the AM itself
 * knows: one this AM attempt launched, or one YARN kept from a previous attempt (the register
 * response's containers_from_previous_attempts, which the takeover holds until it comes back).
 * A container that ended, was released or was given up is no longer known, so a peer claiming it
 * is refused. This is the AM-side counterpart of the NodeManager's container token check: YARN
 * lets only the AM that holds a container start a process in it, and only a process in it can
 * be that TaskExecutor.
 */

/** How the AM came to know a container. */
export type TaskExecutorOrigin =
  /** Launched by this AM attempt: it runs nothing from before. */
  | 'launched'
  /** Kept by YARN from a previous attempt and not yet back: it may still run tasks that attempt gave it. */
  | 'taken-over';

export type AdmissionVerdict =
  | { admitted: true; origin: TaskExecutorOrigin }
  /** `retryLater`: the AM cannot tell yet (a TaskExecutor may try again); otherwise final. */
  | { admitted: false; reason: string; retryLater: boolean };

export interface TaskExecutorAdmission {
  admit(taskExecutorId: string): AdmissionVerdict;
}

/** What knows the containers: the ResourceManager bridge (launched and taken-over ones it holds). */
export interface ContainerRoster {
  originOf(containerId: string): TaskExecutorOrigin | undefined;
}

/**
 * The AM's admission: refuses everything (to be tried again) until the bridge exists, i.e. until
 * the AM has registered with the ResourceManager and learned which containers of a previous
 * attempt it holds; from then on admits exactly the containers the bridge holds.
 */
export class ContainerAdmission implements TaskExecutorAdmission {
  private roster: ContainerRoster | undefined;

  /** `attempt`: this AM attempt's id, for messages. */
  constructor(private readonly attempt: string) {}

  /** From now on the roster decides. */
  knowContainersFrom(roster: ContainerRoster): void {
    this.roster = roster;
  }

  admit(taskExecutorId: string): AdmissionVerdict {
    if (!this.roster) {
      return {
        admitted: false,
        retryLater: true,
        reason: `the ApplicationMaster ${this.attempt} is still starting (it does not yet know which containers are its own); try again`,
      };
    }
    const origin = this.roster.originOf(taskExecutorId);
    if (origin) return { admitted: true, origin };
    return {
      admitted: false,
      retryLater: false,
      reason:
        `TaskExecutor ${JSON.stringify(taskExecutorId)} is not a container of the ApplicationMaster ${this.attempt}: ` +
        'only containers this attempt launched, or took over from a previous attempt, may register (CONTAINER_ID names the container)',
    };
  }
}
