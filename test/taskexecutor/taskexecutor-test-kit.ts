/**
 * For the TaskExecutor process tests: an in-process AM side (registry, job master, gRPC gateway)
 * on 127.0.0.1:0, a mini cluster WebHDFS holding the bundles, and real TaskExecutor processes
 * (node dist/taskexecutor/main.js). Everything started here is stopped by `stop()`, which the
 * tests call in afterEach.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTaskExecutorGateway, type TaskExecutorGateway } from '../../appmaster/rpc/taskexecutor-gateway-server.js';
import { JobMaster } from '../../appmaster/jobs/job-master.js';
import type { JobMasterOptions } from '../../appmaster/jobs/job-master-options.js';
import { TaskExecutorRegistry, type TaskExecutorRegistryOptions } from '../../appmaster/taskexecutors/taskexecutor-registry.js';
import { ContainerAdmission } from '../../appmaster/taskexecutors/taskexecutor-admission.js';
import type { BundleRef } from '../../client/contracts/bundle-ref.js';
import { packBundle } from '../../client/deploy/bundle/bundle-pack.js';
import { uploadBundle } from '../../client/deploy/bundle/bundle-upload.js';
import { newClusterSecret } from '../../client/contracts/cluster-secret.js';
import { WebHdfsClient } from '../../client/hadoop/hdfs/webhdfs-client.js';
import { startWebHdfs, type WebHdfsServer } from '../../minicluster/webhdfs/webhdfs-server.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TASK_EXECUTOR_MAIN = join(REPO, 'dist', 'taskexecutor', 'main.js');

/** The application's user in these tests: not the WebHDFS superuser, so identity is visible. */
export const APP_USER = 'alice';

export interface SpawnedTaskExecutor {
  id: string;
  process: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  cacheDir: string;
}

export interface AmOptions {
  registry?: Partial<TaskExecutorRegistryOptions>;
  jobMaster?: Partial<JobMasterOptions>;
}

export class TaskExecutorTestKit {
  dir = '';
  webHdfs!: WebHdfsServer;
  hdfs!: WebHdfsClient;
  fsUri = '';
  hadoopConfDir = '';
  secret = newClusterSecret();
  secretFile = '';
  registry!: TaskExecutorRegistry;
  jobMaster!: JobMaster;
  gateway: TaskExecutorGateway | undefined;
  amPort = 0;
  /** The containers this in-process AM "launched": spawnTaskExecutor adds its id; the gateway admits only these. */
  readonly launched = new Set<string>();
  readonly admission = new ContainerAdmission('appattempt_1_0001_000001');
  /** What the gateway refused, as the AM logs it. */
  readonly gatewayLog: string[] = [];
  private readonly spawned: SpawnedTaskExecutor[] = [];

  static async start(am: AmOptions = {}): Promise<TaskExecutorTestKit> {
    if (!existsSync(TASK_EXECUTOR_MAIN)) throw new Error(`${TASK_EXECUTOR_MAIN} is missing: build first (npx tsc -p tsconfig.build.json)`);
    const kit = new TaskExecutorTestKit();
    try {
      await kit.init(am);
    } catch (err) {
      await kit.stop();
      throw err;
    }
    return kit;
  }

  private async init(am: AmOptions): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'loom-te-'));
    this.webHdfs = await startWebHdfs({ dataDir: join(this.dir, 'hdfs'), host: '127.0.0.1', superUser: 'root', staticUser: 'root' });
    const port = this.webHdfs.nameNodeAddress.port;
    this.fsUri = `webhdfs://127.0.0.1:${port}`;
    this.hdfs = new WebHdfsClient({ endpoints: [{ scheme: 'http', host: '127.0.0.1', port }], user: 'root', retry: { maxAttempts: 1 } });
    await this.hdfs.mkdirs(`/user/${APP_USER}`);
    await this.hdfs.setOwner(`/user/${APP_USER}`, { owner: APP_USER });
    this.hadoopConfDir = join(this.dir, 'hadoop-conf');
    await mkdir(this.hadoopConfDir);
    await writeFile(
      join(this.hadoopConfDir, 'core-site.xml'),
      `<?xml version="1.0"?>\n<configuration>\n  <property><name>fs.defaultFS</name><value>${this.fsUri}</value></property>\n</configuration>\n`,
    );
    this.secretFile = join(this.dir, 'loom-secret');
    await writeFile(this.secretFile, `${this.secret}\n`, { mode: 0o600 });

    this.registry = new TaskExecutorRegistry({ heartbeatIntervalMs: 200, heartbeatTimeoutMs: 5_000, amTimeoutMs: 10_000, ...am.registry });
    this.registry.start();
    this.jobMaster = new JobMaster(this.registry, { slotsPerTaskExecutor: 2, ...am.jobMaster });
    this.admission.knowContainersFrom({ originOf: (id) => (this.launched.has(id) ? 'launched' : undefined) });
    this.gateway = await this.startGateway(0);
    this.amPort = this.gateway.address.port;
  }

  /** The AM's gRPC gateway over this kit's registry and admission (port 0: a free one). */
  startGateway(port: number): Promise<TaskExecutorGateway> {
    return startTaskExecutorGateway({
      host: '127.0.0.1',
      port,
      secret: this.secret,
      registry: this.registry,
      admission: this.admission,
      log: (line) => this.gatewayLog.push(line),
    });
  }

  /** Where the gateway listens (or listened, once a test has closed it). */
  get amAddress(): string {
    return `127.0.0.1:${this.amPort}`;
  }

  /** Starts `node dist/taskexecutor/main.js` as a container would run it. */
  async spawnTaskExecutor(id: string, opts: { slots?: number; env?: Record<string, string> } = {}): Promise<SpawnedTaskExecutor> {
    this.launched.add(id);
    const workDir = join(this.dir, 'containers', id);
    await mkdir(workDir, { recursive: true });
    const child = spawn(process.execPath, [TASK_EXECUTOR_MAIN], {
      cwd: workDir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        CONTAINER_ID: id,
        NM_HOST: '127.0.0.1',
        LOOM_AM_ADDRESS: this.amAddress,
        LOOM_SECRET_FILE: this.secretFile,
        LOOM_SLOTS: String(opts.slots ?? 2),
        LOOM_HADOOP_CONF: this.hadoopConfDir,
        HADOOP_USER_NAME: APP_USER,
        ...opts.env,
      },
    });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => (err += s));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal })),
    );
    const te = { id, process: child, stderr: () => err, exited, cacheDir: join(workDir, 'loom-bundles') };
    this.spawned.push(te);
    return te;
  }

  /** Spawns and waits until all have registered. */
  async startTaskExecutors(ids: string[], slots = 2): Promise<SpawnedTaskExecutor[]> {
    const tes = await Promise.all(ids.map((id) => this.spawnTaskExecutor(id, { slots })));
    await waitFor(
      () => ids.every((id) => this.registry.has(id)),
      `TaskExecutors ${ids.join(', ')} to register`,
      () => this.stderrOf(tes),
    );
    return tes;
  }

  stderrOf(tes: SpawnedTaskExecutor[] = this.spawned): string {
    return tes.map((t) => `--- ${t.id} ---\n${t.stderr()}`).join('\n');
  }

  /** Writes `files` into a local dir (or one file), packs and uploads it, and returns its BundleRef. */
  async bundle(files: Record<string, string>, opts: { entry?: string } = {}): Promise<BundleRef> {
    const names = Object.keys(files);
    const local = join(this.dir, 'src', String(Math.random()).slice(2));
    let path: string;
    if (names.length === 1 && !names[0].includes('/') && !opts.entry) {
      await mkdir(local, { recursive: true });
      path = join(local, names[0]);
      await writeFile(path, files[names[0]]);
    } else {
      for (const [name, text] of Object.entries(files)) {
        await mkdir(dirname(join(local, name)), { recursive: true });
        await writeFile(join(local, name), text);
      }
      path = local;
    }
    const packed = await packBundle(path, opts);
    try {
      return await uploadBundle({ client: this.hdfs, packed, dir: '/user/alice/bundles', fsUri: this.fsUri });
    } finally {
      await packed.cleanup();
    }
  }

  /** Kills every TaskExecutor still running, stops the AM side and WebHDFS, removes the temp dir. */
  async stop(): Promise<void> {
    for (const te of this.spawned) {
      if (te.process.exitCode === null && te.process.signalCode === null) te.process.kill('SIGKILL');
    }
    await Promise.all(this.spawned.map((t) => t.exited));
    // close() runs (afterEach) also when start() failed before assigning them.
    const started = this as Partial<Pick<this, 'jobMaster' | 'registry' | 'hdfs' | 'webHdfs'>>;
    started.jobMaster?.close('test over');
    started.registry?.stop('test over');
    await this.gateway?.close();
    started.hdfs?.close();
    await started.webHdfs?.close();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

/** Polls `condition` every 20 ms; fails after `timeoutMs` naming what it waited for (and `context()`). */
export async function waitFor(condition: () => boolean, what: string, context: () => string = () => '', timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
