/**
 * How long the mini cluster's WebHDFS takes, like a real NameNode + DataNode, so code that races
 * its own writes (a reader that comes before the writer's CREATE has answered) fails here as it
 * would on a cluster instead of always winning against an instant in-memory namespace.
 *
 * Figures from a Hadoop 3.3.6 pseudo-cluster (NameNode + DataNode on one host), end to end per
 * HTTP exchange: a small CREATE 30-470 ms, bimodal (most 30-60 ms, about one in seven 430-470 ms);
 * RENAME 15-60 ms; other NameNode operations a few ms to tens of ms; OPEN of a small file
 * 5-20 ms. The recorded fixtures (hadoop-3.3.6/webhdfs/webhdfs.pcap) agree: NameNode answers
 * 2-7 ms, DataNode OPEN 8 ms, DataNode CREATE 20 ms and 423 ms, APPEND 25 ms.
 *
 * Where the real cluster spends the time, and so where the mini cluster waits:
 * - NameNode operations change the namespace first and answer later: FSNamesystem makes the change
 *   under its write lock, releases it, then waits for FSEditLog.logSync() before answering. Other
 *   clients see the change before its caller hears back. Reads answer after the HTTP overhead.
 * - CREATE / APPEND at the DataNode (WebHdfsHandler): DFSClient.create's startFile makes the file
 *   exist, empty and under construction, right away. Then addBlock and the write pipeline (about
 *   25-50 ms) come before the bytes reach the block. Then DFSOutputStream.completeFile commits the
 *   block. The NameNode completes the file only once the DataNode's incremental block report has
 *   come in. Until then complete() answers false, and the client tries again after
 *   dfs.client.block.write.locateFollowingBlock.initial.delay.ms (400 ms). That retry is the slow
 *   mode. The file is complete (lease released, modification time set) just before the 201/200.
 * - OPEN / GETFILECHECKSUM at the DataNode: getBlockLocations and the block reader's setup come
 *   before the first byte.
 */
import { derivedSeed, seededRandom, type RandomSource } from './seeded-random.js';

/** The steps that take time, each with its own random stream (a draw for one never shifts another's). */
export type HdfsLatencyStep =
  'namenode-read' | 'namenode-write' | 'namenode-rename' | 'datanode-read' | 'write-pipeline' | 'write-completion';

/** One mode of a step's delay: a uniform range in ms, taken with probability `weight`. */
export interface LatencyBand {
  weight: number;
  minMs: number;
  maxMs: number;
}

/** Delays of a Hadoop 3.3.6 NameNode + DataNode on one host (see the file comment). */
export const HADOOP_LATENCY_BANDS: Readonly<Record<HdfsLatencyStep, readonly LatencyBand[]>> = {
  'namenode-read': [{ weight: 1, minMs: 2, maxMs: 8 }],
  // Namespace changes wait for the edit log sync.
  'namenode-write': [{ weight: 1, minMs: 3, maxMs: 15 }],
  'namenode-rename': [{ weight: 1, minMs: 15, maxMs: 60 }],
  'datanode-read': [{ weight: 1, minMs: 5, maxMs: 20 }],
  // startFile/append done; addBlock, pipeline set-up and packet acks before the bytes are in the block.
  'write-pipeline': [{ weight: 1, minMs: 25, maxMs: 50 }],
  // completeFile: first call succeeds, or the block report is late and the client retries after 400 ms.
  'write-completion': [
    { weight: 0.85, minMs: 5, maxMs: 10 },
    { weight: 0.15, minMs: 400, maxMs: 420 },
  ],
};

/** NameNode operations that change the namespace and so wait for the edit log (RENAME has its own figures). */
const NAMESPACE_CHANGES = new Set(['MKDIRS', 'DELETE', 'SETPERMISSION', 'SETOWNER', 'SETREPLICATION', 'SETTIMES']);

/** The delay step of a NameNode operation (CREATE/APPEND/OPEN's first step is only a redirect: a read). */
export function nameNodeStep(op: string): HdfsLatencyStep {
  if (op === 'RENAME') return 'namenode-rename';
  return NAMESPACE_CHANGES.has(op) ? 'namenode-write' : 'namenode-read';
}

export interface HdfsLatencyOptions {
  /** Multiplies every delay: 1 is a real cluster's speed, 0 answers at once. */
  scale: number;
  /** Seed of the random streams; the same seed gives the same delays in the same order. */
  seed?: number;
}

export class HdfsLatency {
  /** No delays at all: the in-memory speed. */
  static readonly NONE = new HdfsLatency({ scale: 0, seed: 0 });

  readonly scale: number;
  readonly seed: number;
  private readonly streams = new Map<HdfsLatencyStep, RandomSource>();

  constructor(options: HdfsLatencyOptions) {
    if (!Number.isFinite(options.scale) || options.scale < 0) {
      throw new Error(`HDFS latency scale must be a number >= 0 (1 = a real cluster, 0 = none), got ${options.scale}`);
    }
    this.scale = options.scale;
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  }

  get enabled(): boolean {
    return this.scale > 0;
  }

  /** The next delay of `step` in ms (0 when disabled). */
  draw(step: HdfsLatencyStep): number {
    if (!this.enabled) return 0;
    const random = this.stream(step);
    const bands = HADOOP_LATENCY_BANDS[step];
    let pick = random();
    let band = bands[bands.length - 1];
    for (const b of bands) {
      if (pick < b.weight) {
        band = b;
        break;
      }
      pick -= b.weight;
    }
    return (band.minMs + random() * (band.maxMs - band.minMs)) * this.scale;
  }

  /** Waits the next delay of `step` (resolves at once when disabled). */
  wait(step: HdfsLatencyStep): Promise<void> {
    const ms = this.draw(step);
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }

  /** One line for logs and benchmarks: `real (scale 1, seed 42)` or `none`. */
  describe(): string {
    if (!this.enabled) return 'none';
    return `${this.scale === 1 ? 'real' : `real x${this.scale}`} (seed ${this.seed})`;
  }

  private stream(step: HdfsLatencyStep): RandomSource {
    let random = this.streams.get(step);
    if (!random) this.streams.set(step, (random = seededRandom(derivedSeed(this.seed, step))));
    return random;
  }
}
