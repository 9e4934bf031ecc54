// The mini RM's ApplicationMasterLauncher/AMLauncher: once the scheduler has allocated an AM
// container (on a node heartbeat), the launcher, on its own schedule and not inside the heartbeat,
// connects to that NodeManager's ContainerManagementProtocol over Hadoop IPC, authenticates with
// SASL DIGEST-MD5 using an NMToken the RM issued for the attempt and node, and calls startContainers
// with the submitted launch context, the RM's environment additions and the AMRMToken added to its
// credentials (AMLauncher.setupTokens). The NodeManager sees an ordinary startContainers call and
// checks it like any AM's. Success reports LAUNCHED; a per-container failure or any exception
// reports LAUNCH_FAILED with "Error launching <attempt>. Got exception: ...".
import type { RpcClientDefaults } from '../../client/wire/ipc/rpc-client.js';
import { RemoteException } from '../../client/wire/ipc/remote-exception.js';
import { Credentials } from '../../client/wire/security/credentials-file.js';
import type { ContainerLaunchContextProto } from '../../client/hadoop/yarn/container-launch-context.js';
import { NMClient } from '../../client/hadoop/yarn/nm-client.js';
import { NMTokenCache } from '../../client/hadoop/yarn/nm-token-cache.js';
import { ContainerRequestFailedError } from '../../client/hadoop/yarn/yarn-client-errors.js';
import { containerFromProto } from '../../client/hadoop/yarn/yarn-records.js';
import type { AmLaunch } from './resource-manager-core.js';
import { amLaunchFailed } from './rm-diagnostics.js';
import { tokenProto } from './rm-tokens.js';

/** Where the launcher reports to (ResourceManagerCore fits). */
export interface AmLaunchReports {
  amContainerLaunched(containerId: string): void;
  amContainerLaunchFailed(containerId: string, diagnostics: string): void;
}

/**
 * IPC settings of the launcher's connections. Connection refusals are not retried (Hadoop's NMProxy
 * would retry for minutes; on loopback a refusal means the NodeManager is gone), and a NodeManager
 * that does not answer fails the launch rather than holding the launcher forever.
 */
export const AM_LAUNCHER_CONNECTION: RpcClientDefaults = { connectMaxRetries: 0, callTimeoutMs: 60_000 };

/** AMLauncher.setupTokens: the submitted credentials (if any) plus the attempt's AMRMToken under its service as alias. */
export function amContainerLaunchContext(launch: AmLaunch): ContainerLaunchContextProto {
  const context = { ...launch.launchContext };
  const submitted = context.tokens;
  const credentials = submitted?.length ? Credentials.parse(submitted, 'the tokens of the submitted AM launch context') : new Credentials();
  const amrmToken = tokenProto(launch.amrmToken);
  credentials.addToken(amrmToken.service, amrmToken);
  context.tokens = credentials.serialize();
  return context;
}

/** What Java's Throwable.toString prints for the exception the launcher caught. */
function javaExceptionText(err: unknown): string {
  if (err instanceof ContainerRequestFailedError) return `${err.remoteClassName}: ${err.remoteMessage}`;
  if (err instanceof RemoteException) return `${err.className}: ${err.remoteMessage}`;
  return `java.io.IOException: ${err instanceof Error ? err.message : String(err)}`;
}

export class AmLauncher {
  private readonly inFlight = new Set<Promise<void>>();

  /**
   * `reports` gives the RM core to report to, or undefined while the RM is down (the report is
   * then dropped, as an RM that stops takes its launcher threads with it).
   */
  constructor(
    private readonly reports: () => AmLaunchReports | undefined,
    private readonly connection: RpcClientDefaults = AM_LAUNCHER_CONNECTION,
  ) {}

  /** Queues a launch; it runs after the current event (the heartbeat that allocated it) is done. */
  launch(launch: AmLaunch): void {
    // A report the core refuses (its records were replaced by a restart meanwhile) is dropped.
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.run(launch)).catch(() => undefined);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** Resolves once no launch is under way (including launches queued while waiting). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private async run(launch: AmLaunch): Promise<void> {
    const container = containerFromProto(launch.container);
    const nmTokens = new NMTokenCache();
    nmTokens.setToken(container.nodeId, tokenProto(launch.nmToken));
    const client = new NMClient({ nmTokens, connection: this.connection });
    let failure: string | undefined;
    try {
      await client.startContainer(container, amContainerLaunchContext(launch));
    } catch (err) {
      failure = amLaunchFailed(launch.attemptId, javaExceptionText(err));
    } finally {
      await client.close();
    }
    const target = this.reports();
    if (!target) return;
    if (failure === undefined) target.amContainerLaunched(container.id);
    else target.amContainerLaunchFailed(container.id, failure);
  }
}
