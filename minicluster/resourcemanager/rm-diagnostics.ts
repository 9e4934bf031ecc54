import type { ResourceProto } from '../../client/wire/codec/generated/proto-messages.js';

// Diagnostics texts exactly as Hadoop 3.3.6's RM writes them (see fixtures am-restart/, failed-app/,
// localization/ and rm-rest/). Clients and people grep these, so spacing quirks are kept.

/**
 * YARN's Resource in the wire's field names (hadoop.yarn.ResourceProto with both counts present), as
 * the mini RM keeps, compares and prints it. Not a second declaration of the client's `Resource`
 * (client/hadoop/yarn/yarn-records.ts, memoryMb/vcores): it is derived from the generated proto type.
 */
export type WireResource = Required<Pick<ResourceProto, 'memory' | 'virtual_cores'>>;

const fmtRes = (r: WireResource): string => `<memory:${r.memory}, vCores:${r.virtual_cores}>`;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** java.util.Date#toString as the recorded RM printed it (UTC, zone shown as +0000). */
export function javaDateString(ms: number): string {
  const d = new Date(ms);
  return (
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`
  );
}

/** Java's Float.toString for the percentages the RM prints ("0.0", "6.25", "100.0"). */
export function javaFloat(n: number): string {
  const r = Math.round(n * 1e6) / 1e6;
  return Number.isInteger(r) ? `${r}.0` : String(r);
}

/** The CapacityScheduler's text while an app waits for its AM container. */
export function activatedWaitingForAm(now: number, cluster: WireResource, used: WireResource): string {
  const usedPct = cluster.memory > 0 ? (used.memory / cluster.memory) * 100 : 0;
  return (
    `[${javaDateString(now)}] Application is Activated, waiting for resources to be assigned for AM.  Details : ` +
    `AM Partition = <DEFAULT_PARTITION> ; Partition Resource = ${fmtRes(cluster)} ; ` +
    `Queue's Absolute capacity = 100.0 % ; Queue's Absolute used capacity = ${javaFloat(usedPct)} % ; ` +
    `Queue's Absolute max capacity = 100.0 % ; Queue's capacity (absolute resource) = ${fmtRes(cluster)} ; ` +
    `Queue's used capacity (absolute resource) = ${fmtRes(used)} ; Queue's max capacity (absolute resource) = ${fmtRes(cluster)} ; `
  );
}

/** Why the CapacityScheduler left an application pending (CSAMContainerLaunchDiagnosticsConstants; note the trailing space). */
export const QUEUE_AM_RESOURCE_LIMIT_EXCEEDED = "Queue's AM resource limit exceeded. ";
export const CLUSTER_RESOURCE_EMPTY = 'Skipping AM assignment as cluster resource is empty. ';

/** The numbers FiCaSchedulerApp.getPendingAppDiagnosticMessage prints. */
export interface PendingAmDetails {
  amRequest: WireResource;
  queueAmLimit: WireResource;
  userAmLimit: WireResource;
  queueAmUsed: WireResource;
}

/**
 * The CapacityScheduler's text for an application added to the scheduler but not activated
 * (AMState.INACTIVATED + reason + the pending details; "exceeded.  Details" has two spaces).
 */
export function notYetActivated(now: number, reason: string, d: PendingAmDetails): string {
  return (
    `[${javaDateString(now)}] Application is added to the scheduler and is not yet activated. ${reason} Details : ` +
    `AM Partition = <DEFAULT_PARTITION>; AM Resource Request = ${fmtRes(d.amRequest)}; ` +
    `Queue Resource Limit for AM = ${fmtRes(d.queueAmLimit)}; User AM Resource Limit of the queue = ${fmtRes(d.userAmLimit)}; ` +
    `Queue AM Resource Usage = ${fmtRes(d.queueAmUsed)}; `
  );
}

export const AM_LAUNCHED_WAITING_FOR_REGISTER = 'AM container is launched, waiting for AM container to Register with RM';

export const appKilledByUser = (appId: string, user: string, remoteHost: string): string =>
  `Application ${appId} was killed by user ${user} at ${remoteHost}`;

export const unknownQueue = (appId: string, user: string, queue: string): string =>
  `Application ${appId} submitted by user ${user} to unknown queue: ${queue}`;

/** RMAppAttempt's text for an AM container that ended without unregistering (note the two spaces). */
export function amContainerCrashed(attemptId: string, exitStatus: number, containerDiagnostics: string, trackingUrl: string): string {
  return (
    `AM Container for ${attemptId} exited with  exitCode: ${exitStatus}\n` +
    `Failing this attempt.Diagnostics: ${containerDiagnostics}` +
    `For more detailed output, check the application tracking page: ${trackingUrl} Then click on links to logs of each attempt.\n`
  );
}

/**
 * AMLauncher.onAMLaunchFailed: the attempt fails with the launcher's exception as
 * StringUtils.stringifyException prints it (`javaException`: "class: message", without the Java
 * stack frames we do not have, ending in a newline as printStackTrace does).
 */
export const amLaunchFailed = (attemptId: string, javaException: string): string =>
  `Error launching ${attemptId}. Got exception: ${javaException}\n`;

export const amLivenessExpired = (attemptId: string): string => `ApplicationMaster for attempt ${attemptId} timed out`;

/** RMApp's text when the last allowed attempt failed. */
export function appFailedAfterAttempts(
  appId: string,
  maxAppAttempts: number,
  globalLimit: number,
  validityIntervalMs: number,
  attemptDiagnostics: string,
): string {
  const window = validityIntervalMs > 0 ? ` in previous ${validityIntervalMs} milliseconds` : '';
  const limits = globalLimit === maxAppAttempts ? '' : ` (global limit =${globalLimit}; local limit is =${maxAppAttempts})`;
  return `Application ${appId} failed ${maxAppAttempts} times${window}${limits} due to ${attemptDiagnostics}. Failing the application.`;
}

/**
 * InvalidResourceRequestException's GREATER_THAN_MAX_RESOURCE_MESSAGE_TEMPLATE as
 * SchedulerUtils.throwInvalidResourceException fills it: the first resource type over the maximum
 * allowed allocation (memory-mb is checked before vcores), the maximum the scheduler allows this
 * queue now, and the configured maximum (ResourceUtils.getResourceTypesMaximumAllocation).
 */
export function maxAllocationExceeded(requested: WireResource, maxAllowed: WireResource, configuredMax: WireResource): string {
  const type = requested.memory > maxAllowed.memory ? 'memory-mb' : 'vcores';
  return (
    `Invalid resource request! Cannot allocate containers as requested resource is greater than maximum allowed allocation. ` +
    `Requested resource type=[${type}], Requested resource=${fmtRes(requested)}, maximum allowed allocation=${fmtRes(maxAllowed)}, ` +
    `please note that maximum allowed allocation is calculated by scheduler based on maximum resource of registered NodeManagers, ` +
    `which might be less than configured maximum allocation=${fmtRes(configuredMax)}`
  );
}

/** InvalidResourceRequestException's LESS_THAN_ZERO_RESOURCE_MESSAGE_TEMPLATE (memory-mb is checked before vcores). */
export function negativeResourceRequest(requested: WireResource): string {
  const type = requested.memory < 0 ? 'memory-mb' : 'vcores';
  return `Invalid resource request! Cannot allocate containers as requested resource is less than 0! Requested resource type=[${type}], Requested resource=${fmtRes(requested)}`;
}

/** RMServerUtils.validateContainerReleaseRequest: a release of a container of another attempt (without keep-containers). */
export const releaseOfOtherAttempt = (containerId: string, attemptId: string): string =>
  `Cannot release container : ${containerId} not belonging to this application attempt : ${attemptId}`;

/** RMServerUtils.validateBlacklistRequest. */
export const BLACKLIST_ANY = 'Cannot add * to the blacklist!';

/** LeafQueue.reinitialize (yarn rmadmin -refreshQueues): a queue's maximum allocation may only grow, running AMs were told it. */
export const queueMaxAllocationDecreased = (queuePath: string, current: WireResource, wanted: WireResource): string =>
  `Trying to reinitialize ${queuePath} the maximum allocation size can not be decreased! Current setting: ${fmtRes(current)}, trying to set it to: ${fmtRes(wanted)}`;

/** AbstractCSQueue.setupMaximumAllocation: a queue's maximum allocation above the cluster's. */
export const queueMaxAllocationAboveCluster = (queuePath: string, queueMax: WireResource, clusterMax: WireResource): string =>
  `Queue maximum allocation cannot be larger than the cluster setting for queue ${queuePath} max allocation per queue: ${fmtRes(queueMax)} cluster setting: ${fmtRes(clusterMax)}`;

/** The scheduler's texts for containers the RM ends (their exit statuses: client/hadoop/yarn/container-exit-status.ts). */

export const RELEASED_CONTAINER = 'Container released by application';
export const LOST_CONTAINER = 'Container released on a *lost* node';
export const COMPLETED_APPLICATION = 'Container of a completed application';
export const KILLED_BY_RM = 'Container killed by ResourceManager';
