/**
 * The AM's HA store on HDFS (layout: client/contracts/ha-store-layout.ts): what a new AM attempt
 * needs to take over the cluster. Each record is its own file, written once: first under a
 * temporary name, then renamed into place with HDFS's plain rename, whose boolean answer the
 * WebHDFS client checks ({"boolean": false} throws). So a crash at any moment leaves either the
 * whole record or none of it, and readers skip leftover temporary files.
 */
import { LoomError } from '../../client/errors/loom-error.js';
import { isTerminalJobState } from '../../client/contracts/job-states.js';
import { randomBytes } from 'node:crypto';
import type { Configuration } from '../../client/conf/configuration.js';
import {
  amAddressFileName,
  HaStoreNames,
  isTempName,
  parseAmAddressRecord,
  readHdfsText,
  TEMP_MARK,
  type AmAddressRecord,
} from '../../client/contracts/ha-store-layout.js';
import { hdfsBaseName, joinHdfsPath, parseHdfsPath } from '../../client/hadoop/hdfs/hdfs-path.js';
import { webHdfsClientFromConf } from '../../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import type { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import { FileNotFoundError, WebHdfsOperationFailedError } from '../../client/hadoop/hdfs/webhdfs-errors.js';
import type { JobSpec, JobStatus } from '../cluster-api.js';

export interface StoredCluster {
  applicationId: string;
  secret: string;
  /** The cluster's loom-conf.yaml as the first attempt read it. */
  configYaml: string;
  writtenBy: string;
  writtenAt: number;
}

export interface StoredJob {
  /** Submission order, from 1. */
  seq: number;
  id: string;
  spec: JobSpec;
  submittedAt: number;
}

export interface HaState {
  cluster: StoredCluster | undefined;
  /** In submission order. */
  jobs: StoredJob[];
  /** Final status of each ended job, by id. */
  ended: Map<string, JobStatus>;
  /** One per attempt that got as far as serving, oldest first. */
  masters: AmAddressRecord[];
  /** Temporary files of writes that never completed (ignored). */
  leftovers: string[];
  /** Records that could not be parsed (skipped, named here for the log). */
  unreadable: string[];
}

export class HaStoreError extends LoomError {
  static override readonly code: string = 'HA_STORE_FAILED';
  override name = 'HaStoreError';
}

export class HaStore {
  /** Absolute path of the store on its file system. */
  readonly path: string;
  private prepared: Promise<void> | undefined;
  /** Wraps every record write (`record`: cluster, job, ended, master); the AM's metrics time them. */
  observeWrite: (record: string, write: () => Promise<void>) => Promise<void> = (_record, write) => write();

  constructor(
    private readonly client: WebHdfsClient,
    /** The store's URL (hdfs://, webhdfs:// or a path on the default file system). */
    readonly url: string,
  ) {
    this.path = parseHdfsPath(url).path;
  }

  /** A store reached with the application's user, as the AM's other WebHDFS calls. */
  static open(conf: Configuration, url: string, user: string): HaStore {
    const parsed = parseHdfsPath(url);
    return new HaStore(webHdfsClientFromConf(conf, { ...(parsed.scheme ? { uri: url } : {}), user }), url);
  }

  close(): void {
    this.client.close();
  }

  /** Everything in the store; an absent store reads as empty. */
  async read(): Promise<HaState> {
    const state: HaState = { cluster: undefined, jobs: [], ended: new Map(), masters: [], leftovers: [], unreadable: [] };
    const top = await this.names(this.path);
    state.leftovers.push(...top.filter(isTempName).map((n) => joinHdfsPath(this.path, n)));
    if (top.includes(HaStoreNames.cluster))
      state.cluster = await this.readRecord(joinHdfsPath(this.path, HaStoreNames.cluster), state, parseCluster);
    for (const [dir, add] of [
      [HaStoreNames.jobs, (v: unknown, p: string) => state.jobs.push(parseJob(v, p))],
      [
        HaStoreNames.ended,
        (v: unknown, p: string) => {
          const s = parseEnded(v, p);
          state.ended.set(s.id, s);
        },
      ],
      [HaStoreNames.masters, (v: unknown, p: string) => state.masters.push(parseAmAddressRecord(v, p))],
    ] as const) {
      const dirPath = joinHdfsPath(this.path, dir);
      for (const name of (await this.names(dirPath)).sort()) {
        const path = joinHdfsPath(dirPath, name);
        if (isTempName(name)) state.leftovers.push(path);
        else await this.readRecord(path, state, (v, p) => add(v, p));
      }
    }
    state.jobs.sort((a, b) => a.seq - b.seq);
    state.masters.sort((a, b) => a.attempt - b.attempt);
    return state;
  }

  /** The store dir and its sub-dirs, owner-only (the cluster record holds the secret). Idempotent. */
  prepare(): Promise<void> {
    this.prepared ??= (async () => {
      for (const dir of [
        this.path,
        ...[HaStoreNames.jobs, HaStoreNames.ended, HaStoreNames.masters].map((d) => joinHdfsPath(this.path, d)),
      ]) {
        await this.client.mkdirs(dir, { permission: '700' });
      }
    })().catch((err: unknown) => {
      this.prepared = undefined;
      throw err;
    });
    return this.prepared;
  }

  writeCluster(record: StoredCluster): Promise<void> {
    return this.observeWrite('cluster', () => this.writeOnce(joinHdfsPath(this.path, HaStoreNames.cluster), record, '600'));
  }

  writeJob(job: StoredJob): Promise<void> {
    return this.observeWrite('job', () =>
      this.writeOnce(joinHdfsPath(this.path, HaStoreNames.jobs, `${String(job.seq).padStart(6, '0')}-${job.id}.json`), job),
    );
  }

  writeEnded(status: JobStatus): Promise<void> {
    return this.observeWrite('ended', () => this.writeOnce(joinHdfsPath(this.path, HaStoreNames.ended, `${status.id}.json`), status));
  }

  writeAmAddress(record: AmAddressRecord): Promise<void> {
    return this.observeWrite('master', () =>
      this.writeOnce(joinHdfsPath(this.path, HaStoreNames.masters, amAddressFileName(record.attempt)), record),
    );
  }

  /** Temporary files of interrupted writes: harmless, removed to keep the store tidy. */
  async removeLeftovers(paths: readonly string[]): Promise<void> {
    for (const p of paths) await this.client.delete(p, { ignoreMissing: true });
  }

  /** The whole store (the application ended on purpose). */
  async remove(): Promise<void> {
    await this.client.delete(this.path, { recursive: true, ignoreMissing: true });
  }

  /**
   * Writes `value` as JSON to `path`, which must not exist yet: CREATE a temporary file next to
   * it, then RENAME it into place. HDFS's rename refuses an existing destination by answering
   * false, which the client turns into an error: a record is never replaced.
   */
  private async writeOnce(path: string, value: unknown, permission = '600'): Promise<void> {
    await this.prepare();
    const temp = `${path}${TEMP_MARK}${randomBytes(6).toString('hex')}`;
    await this.client.create(temp, Buffer.from(`${JSON.stringify(value)}\n`), { overwrite: false, permission });
    try {
      await this.client.rename(temp, path);
    } catch (err) {
      await this.client.delete(temp, { ignoreMissing: true }).catch(() => undefined);
      if (err instanceof WebHdfsOperationFailedError) {
        throw new HaStoreError(
          `the HA store could not rename ${hdfsBaseName(temp)} to ${path}: the NameNode answered false (the record exists already, or the store dir was removed)`,
        );
      }
      throw err;
    }
  }

  private async names(dir: string): Promise<string[]> {
    try {
      return (await this.client.listStatus(dir)).map((s) => s.pathSuffix);
    } catch (err) {
      if (err instanceof FileNotFoundError) return [];
      throw err;
    }
  }

  private async readRecord<T>(path: string, state: HaState, parse: (value: unknown, path: string) => T): Promise<T | undefined> {
    let text: string;
    try {
      text = await readHdfsText(this.client, path);
    } catch (err) {
      if (err instanceof FileNotFoundError) return undefined;
      throw err;
    }
    try {
      return parse(JSON.parse(text) as unknown, path);
    } catch (err) {
      // Renamed records are whole; one that still does not parse was not written by Loom.
      state.unreadable.push(`${path}: ${(err as Error).message}`);
      return undefined;
    }
  }
}

/** A record read back as JSON: its fields, each checked before use. */
function fieldsOf(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function parseCluster(v: unknown, path: string): StoredCluster {
  const r = fieldsOf(v);
  if (!r || typeof r.secret !== 'string' || typeof r.configYaml !== 'string')
    throw new HaStoreError(`${path} holds no secret and configuration`);
  return {
    applicationId: typeof r.applicationId === 'string' ? r.applicationId : '',
    secret: r.secret,
    configYaml: r.configYaml,
    writtenBy: typeof r.writtenBy === 'string' ? r.writtenBy : '',
    writtenAt: typeof r.writtenAt === 'number' ? r.writtenAt : 0,
  };
}

function parseJob(v: unknown, path: string): StoredJob {
  const r = fieldsOf(v);
  const spec = fieldsOf(r?.spec);
  if (!r || typeof r.seq !== 'number' || !Number.isInteger(r.seq) || typeof r.id !== 'string' || !spec) {
    throw new HaStoreError(`${path} is not a job record (seq, id, spec)`);
  }
  // The spec is checked again when the job is resubmitted (job-spec-validation.ts).
  return { seq: r.seq, id: r.id, spec: spec as unknown as JobSpec, submittedAt: typeof r.submittedAt === 'number' ? r.submittedAt : 0 };
}

function parseEnded(v: unknown, path: string): JobStatus {
  const r = v as Partial<JobStatus> | null;
  if (!r || typeof r.id !== 'string' || !isTerminalJobState(String(r.state)) || !Array.isArray(r.tasks)) {
    throw new HaStoreError(`${path} is not an ended job's status (id, state, tasks)`);
  }
  return r as JobStatus;
}
