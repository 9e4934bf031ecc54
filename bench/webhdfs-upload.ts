import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { once } from 'node:events';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Configuration } from '../client/conf/configuration.js';
import { webHdfsEndpoints } from '../client/conf/namenode-addresses.js';
import { webHdfsClientFromConf } from '../client/hadoop/hdfs/webhdfs-client-from-conf.js';
import type { WebHdfsClient } from '../client/hadoop/hdfs/webhdfs-client.js';
import { localFileReader, localFileWriter } from '../client/hadoop/hdfs/local-file-streams.js';
import { startMiniCluster } from '../minicluster/mini-cluster.js';
import { parseHdfsLatencySetting } from '../minicluster/hdfs-latency-setting.js';

/**
 * WebHDFS upload (CREATE) and download (OPEN) of one file, Loom next to curl, paired and
 * interleaved (the order rotates every round), medians over BENCH_ROUNDS (default 5) of
 * BENCH_BYTES (default 256 MiB) from a local file in the page cache.
 *
 * Upload: curl in the two steps Hadoop's WebHDFS documentation shows (`curl -i -X PUT
 * ...?op=CREATE` to the NameNode without a body, then `curl -T <file>` to the DataNode Location
 * it answered), a plain node:http PUT along the same two steps, WebHdfsClient.create (the library
 * call), and `loom fs -put -f` (the CLI: process start, ._COPYING_ name and rename included, as
 * `hdfs dfs -put`). Download: `curl -L -o`, WebHdfsClient.open piped to a file, `loom fs -get -f`.
 * A bare `node -e 0` gives the process start that the CLI pays.
 *
 * Against the mini cluster's WebHDFS (in a child process, so the server does not share the
 * measuring process's CPU; its delays are LOOM_MINICLUSTER_HDFS_LATENCY, default `none` here: the
 * fixed per-file NameNode/DataNode waits are not throughput). When HADOOP_CONF_DIR names a cluster
 * with simple authentication, against that cluster as well (under /tmp/loom-bench-<user>).
 */
const MiB = 1 << 20;
const BYTES = Number(process.env.BENCH_BYTES ?? 256 * MiB);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const LOOM_BIN = join(root, 'bin', 'loom.js');

interface Target {
  name: string;
  confDir: string;
  user: string;
  /** http://host:port of the NameNode. */
  nameNode: string;
  /** HDFS directory the bench writes into. */
  dir: string;
}

/** Child process: a mini cluster with one NodeManager; tells the parent its conf dir and NameNode. */
async function serve(): Promise<void> {
  const latency = parseHdfsLatencySetting(process.env.LOOM_MINICLUSTER_HDFS_LATENCY ?? 'none', 'LOOM_MINICLUSTER_HDFS_LATENCY');
  const cluster = await startMiniCluster({ nodes: 1, hdfsLatency: latency });
  const { host, port } = cluster.webHdfs.nameNodeAddress;
  process.send?.({ confDir: cluster.confDir, nameNode: `http://${host}:${port}`, latency: String(latency) });
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuSeconds: (user + system) / 1e6 });
  });
  process.on('disconnect', () => void cluster.stop().finally(() => process.exit(0)));
}

/** CPU seconds (user + system) of the processes run() started: curl, the CLI. */
let childCpuSeconds = 0;

/** Runs a program to its end; its CPU time (from the shell's `times`) is added to childCpuSeconds. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', '"$@"; s=$?; times >&2; exit $s', 'sh', command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = err.trimEnd().split('\n');
      const [user = 0, system = 0] = (lines.pop() ?? '').split(' ').map((t) => {
        const m = /^(\d+)m([\d.]+)s$/.exec(t);
        return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
      });
      lines.pop(); // the shell's own times
      childCpuSeconds += user + system;
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${lines.join('\n').trim() || out.trim()}`));
    });
  });
}

function opUrl(t: Target, path: string, op: string, extra = ''): string {
  return `${t.nameNode}/webhdfs/v1${path}?op=${op}${extra}&user.name=${encodeURIComponent(t.user)}`;
}

/** Hadoop's documented two steps: the NameNode's 307 Location, then the file to the DataNode. */
async function curlPut(t: Target, file: string, path: string): Promise<void> {
  const head = await run('curl', ['-sS', '-i', '-X', 'PUT', opUrl(t, path, 'CREATE', '&overwrite=true')]);
  const location = /^location:\s*(\S+)/im.exec(head)?.[1];
  if (!location) throw new Error(`curl CREATE: no Location in ${head.slice(0, 300)}`);
  await run('curl', ['-sS', '-f', '-o', '/dev/null', '-T', file, '-H', 'Content-Type: application/octet-stream', location]);
}

/** The same two steps with a bare node:http PUT streaming the file (Node's own cost, without Loom's). */
async function nodePut(t: Target, file: string, path: string, agent: http.Agent): Promise<void> {
  const send = (url: string, body?: string): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
      if (body === undefined) headers['Content-Length'] = '0';
      else headers['Content-Length'] = String(BYTES);
      const req = http.request(url, { method: 'PUT', agent, headers }, resolve);
      req.on('error', reject);
      if (body === undefined) req.end();
      else createReadStream(body).pipe(req);
    });
  const first = await send(opUrl(t, path, 'CREATE', '&overwrite=true'));
  first.resume();
  const location = first.headers.location;
  if (first.statusCode !== 307 || !location) throw new Error(`node CREATE: ${first.statusCode}`);
  const second = await send(location, file);
  second.resume();
  await once(second, 'end');
  if (second.statusCode !== 201) throw new Error(`node PUT to the DataNode: ${second.statusCode}`);
}

interface Sample {
  wallSeconds: number;
  /** CPU seconds of the client (this process or the programs it ran) plus the server's. */
  cpuSeconds: number;
  /** The server's part of cpuSeconds. */
  serverCpuSeconds: number;
}

/** The server's CPU seconds so far (the mini cluster child answers; a real cluster's are unknown: 0). */
type ServerCpu = () => Promise<number>;

async function timed(serverCpu: ServerCpu, run: () => Promise<unknown>): Promise<Sample> {
  const server = await serverCpu();
  const children = childCpuSeconds;
  const own = process.cpuUsage();
  const start = process.hrtime.bigint();
  await run();
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const { user, system } = process.cpuUsage(own);
  const serverCpuSeconds = (await serverCpu()) - server;
  return { wallSeconds, cpuSeconds: (user + system) / 1e6 + (childCpuSeconds - children) + serverCpuSeconds, serverCpuSeconds };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function writeSource(file: string): Promise<void> {
  const handle = await open(file, 'w');
  const block = Buffer.alloc(4 * MiB);
  for (let i = 0; i < block.length; i++) block[i] = (i * 131 + (i >> 12)) & 0xff;
  try {
    for (let done = 0; done < BYTES; done += block.length) await handle.write(block, 0, Math.min(block.length, BYTES - done));
  } finally {
    await handle.close();
  }
}

async function benchTarget(t: Target, local: string, client: WebHdfsClient, serverCpu: ServerCpu): Promise<void> {
  const env = { ...process.env, HADOOP_CONF_DIR: t.confDir, HADOOP_USER_NAME: t.user };
  const src = join(local, 'source.bin');
  const out = join(local, 'download.bin');
  const agent = new http.Agent({ keepAlive: true });
  const remote = (name: string) => `${t.dir}/${name}`;
  await client.mkdirs(t.dir);
  const checkLength = async (path: string) => {
    const { length } = await client.getFileStatus(path);
    if (length !== BYTES) throw new Error(`${path} has ${length} bytes after the upload, expected ${BYTES}`);
  };
  const checkDownload = async () => {
    const { size } = await stat(out);
    if (size !== BYTES) throw new Error(`${out} has ${size} bytes after the download, expected ${BYTES}`);
    await rm(out);
  };
  const uploads: Record<string, () => Promise<void>> = {
    'curl -T (two steps)': () => curlPut(t, src, remote('curl.bin')),
    'node:http PUT (two steps)': () => nodePut(t, src, remote('node.bin'), agent),
    'WebHdfsClient.create': () => client.create(remote('loom.bin'), localFileReader(src), { overwrite: true, contentLength: BYTES }),
    'loom fs -put -f': () => run(process.execPath, [LOOM_BIN, 'fs', '-put', '-f', src, remote('cli.bin')], env).then(() => undefined),
  };
  const uploadTarget: Record<string, string> = {
    'curl -T (two steps)': 'curl.bin',
    'node:http PUT (two steps)': 'node.bin',
    'WebHdfsClient.create': 'loom.bin',
    'loom fs -put -f': 'cli.bin',
  };
  const downloads: Record<string, () => Promise<void>> = {
    'curl -L -o': () => run('curl', ['-sS', '-f', '-L', '-o', out, opUrl(t, remote('curl.bin'), 'OPEN')]).then(() => undefined),
    'WebHdfsClient.open': async () => pipeline(await client.open(remote('curl.bin')), localFileWriter(out)),
    'loom fs -get -f': () => run(process.execPath, [LOOM_BIN, 'fs', '-get', '-f', remote('curl.bin'), out], env).then(() => undefined),
  };
  const samples: Record<string, Sample[]> = { 'node -e 0': [] };
  for (const name of [...Object.keys(uploads), ...Object.keys(downloads)]) samples[name] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const rotate = <T>(xs: T[]): T[] => xs.map((_, i) => xs[(i + round) % xs.length]);
    for (const name of rotate(Object.keys(uploads))) {
      samples[name].push(await timed(serverCpu, uploads[name]));
      if (round === 0) await checkLength(remote(uploadTarget[name]));
    }
    for (const name of rotate(Object.keys(downloads))) {
      samples[name].push(await timed(serverCpu, downloads[name]));
      await checkDownload();
    }
    samples['node -e 0'].push(await timed(serverCpu, () => run(process.execPath, ['-e', '0'])));
  }
  agent.destroy();
  await client.delete(t.dir, { recursive: true, ignoreMissing: true });

  const wall = (name: string) => samples[name].map((x) => x.wallSeconds);
  const cpu = (name: string) => samples[name].map((x) => x.cpuSeconds);
  const row = (name: string, baseline: string) => {
    const m = median(wall(name));
    const c = median(cpu(name));
    const server = median(samples[name].map((x) => x.serverCpuSeconds));
    const paired = median(wall(name).map((w, i) => w / wall(baseline)[i]));
    const rate = `${(BYTES / MiB / m).toFixed(0).padStart(5)} MiB/s`;
    const ratio = name === baseline ? 'baseline'.padEnd(21) : `${(m / median(wall(baseline))).toFixed(2)}x (paired ${paired.toFixed(2)}x)`;
    const cpuRatio = name === baseline ? '' : ` ${(c / median(cpu(baseline))).toFixed(2)}x`;
    return `  ${name.padEnd(27)} ${m.toFixed(3)} s ${rate}  ${ratio}  cpu ${c.toFixed(2)} s${cpuRatio} (server ${server.toFixed(2)} s)   [${wall(
      name,
    )
      .map((w) => w.toFixed(2))
      .join(' ')}]`;
  };
  console.log(
    `${t.name}: ${(BYTES / MiB).toFixed(0)} MiB, median of ${ROUNDS} interleaved rounds; wall time, ratio Loom / curl; cpu = client + server CPU seconds`,
  );
  console.log(' upload (CREATE):');
  for (const name of Object.keys(uploads)) console.log(row(name, 'curl -T (two steps)'));
  console.log(' download (OPEN):');
  for (const name of Object.keys(downloads)) console.log(row(name, 'curl -L -o'));
  console.log(
    `  process start: node -e 0 ${median(wall('node -e 0')).toFixed(3)} s, cpu ${median(cpu('node -e 0')).toFixed(2)} s (paid by each CLI run)`,
  );
}

function realTarget(): Target | undefined {
  const confDir = process.env.HADOOP_CONF_DIR;
  if (!confDir) return undefined;
  const conf = Configuration.load({ confDir });
  const auth = conf.get('hadoop.security.authentication') ?? 'simple';
  if (auth !== 'simple') {
    console.log(`HADOOP_CONF_DIR=${confDir}: authentication is ${auth}; this bench speaks simple auth only, skipped`);
    return undefined;
  }
  const [endpoint] = webHdfsEndpoints(conf);
  const user = process.env.HADOOP_USER_NAME ?? userInfo().username;
  return {
    name: `cluster of HADOOP_CONF_DIR=${confDir}`,
    confDir,
    user,
    nameNode: `${endpoint.scheme}://${endpoint.host}:${endpoint.port}`,
    dir: `/tmp/loom-bench-${user}`,
  };
}

async function main(): Promise<void> {
  const local = await mkdtemp(join(tmpdir(), 'loom-bench-webhdfs-'));
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], {
    stdio: 'inherit',
    env: { ...process.env, HADOOP_CONF_DIR: '' },
  });
  try {
    await writeSource(join(local, 'source.bin'));
    const [mini] = (await once(child, 'message')) as [{ confDir: string; nameNode: string; latency: string }];
    const user = userInfo().username;
    const targets: Target[] = [
      { name: `mini cluster WebHDFS (latency ${mini.latency})`, confDir: mini.confDir, user, nameNode: mini.nameNode, dir: '/bench' },
    ];
    const miniCpu: ServerCpu = async () => {
      const answer = once(child, 'message');
      child.send('cpu');
      const [{ cpuSeconds }] = (await answer) as [{ cpuSeconds: number }];
      return cpuSeconds;
    };
    const real = realTarget();
    if (real) targets.push(real);
    for (const t of targets) {
      const conf = Configuration.load({ confDir: t.confDir });
      const client = webHdfsClientFromConf(conf, { user: t.user });
      try {
        await benchTarget(t, local, client, t.name.startsWith('mini') ? miniCpu : () => Promise.resolve(0));
      } finally {
        client.close();
      }
    }
  } finally {
    child.disconnect();
    await rm(local, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
