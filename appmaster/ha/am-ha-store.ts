/**
 * The HA store as one AM attempt uses it: where it is, what an earlier attempt left there (read
 * before serving, so a new attempt knows which jobs to take over), and the records this attempt
 * adds once it serves: the cluster's secret and configuration (first attempt) and the addresses
 * it serves on (every attempt; TaskExecutors that lost their AM look there).
 */
import type { Configuration } from '../../client/conf/configuration.js';
import { LoomOptions, type LoomConfig } from '../../client/conf/loom-config.js';
import { haStoreUrl, type AmAddressRecord } from '../../client/contracts/ha-store-layout.js';
import type { AmEnvironment } from '../am-runtime/am-environment.js';
import { HaStore, type HaState } from './ha-store.js';

export interface AmHaStore {
  /** Undefined when the application has one attempt only (or no staging dir to put a store in). */
  store: HaStore | undefined;
  /** What earlier attempts recorded (empty for a first attempt). */
  state: HaState;
  /** This attempt follows another: take over its TaskExecutors and jobs. */
  takeover: boolean;
}

const EMPTY: HaState = { cluster: undefined, jobs: [], ended: new Map(), masters: [], leftovers: [], unreadable: [] };

/** The store's URL, or undefined when there is nowhere (or no need) to keep one. Throws for a bad high-availability.storageDir. */
export function haStoreUrlFor(am: Pick<AmEnvironment, 'stagingDir' | 'applicationIdText'>, config: LoomConfig): string | undefined {
  if (config.get(LoomOptions.applicationAttempts) <= 1) return undefined;
  const storageDir = config.get(LoomOptions.haStorageDir);
  if (!am.stagingDir && !storageDir) return undefined;
  return haStoreUrl({ stagingDirUrl: am.stagingDir ?? '', storageDir, applicationId: am.applicationIdText });
}

/** Opens the store and reads what earlier attempts left (an attempt > 1 takes over even when they left nothing). */
export async function openAmHaStore(
  am: Pick<AmEnvironment, 'attemptId' | 'user'>,
  hadoopConf: Configuration,
  url: string | undefined,
  log: (line: string) => void,
): Promise<AmHaStore> {
  const takeoverByAttempt = am.attemptId.attemptId > 1;
  if (!url) return { store: undefined, state: EMPTY, takeover: false };
  const store = HaStore.open(hadoopConf, url, am.user);
  let state: HaState;
  try {
    state = await store.read();
  } catch (err) {
    store.close();
    throw new Error(`cannot read the HA store ${url}: ${(err as Error).message}`, { cause: err });
  }
  for (const problem of state.unreadable) log(`HA store: skipping an unreadable record: ${problem}`);
  const takeover = takeoverByAttempt || state.jobs.length > 0 || state.masters.length > 0;
  if (takeover) {
    const ended = state.jobs.filter((j) => state.ended.has(j.id)).length;
    log(
      `HA store ${url}: ${state.jobs.length} job(s) recorded (${ended} ended), ${state.masters.length} earlier attempt(s) served; taking over`,
    );
  }
  return { store, state, takeover };
}

/**
 * Records that this attempt serves (in the background: serving does not wait for HDFS). The
 * first attempt also records the secret and configuration; leftover temporary files go.
 */
export function recordServingAttempt(
  ha: AmHaStore,
  cluster: { applicationId: string; secret: string; configYaml: string },
  address: AmAddressRecord,
  log: (line: string) => void,
): Promise<void> {
  const store = ha.store;
  if (!store) return Promise.resolve();
  return (async () => {
    await store.prepare();
    if (!ha.state.cluster) await store.writeCluster({ ...cluster, writtenBy: address.attemptId, writtenAt: address.writtenAt });
    await store.writeAmAddress(address);
    if (ha.state.leftovers.length) await store.removeLeftovers(ha.state.leftovers);
  })().catch((err: unknown) =>
    log(
      `could not record this attempt in the HA store ${store.url} (a later attempt may not find this one's TaskExecutors): ${(err as Error).message}`,
    ),
  );
}
