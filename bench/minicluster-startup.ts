import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { chooseHdfsLatency } from '../minicluster/hdfs-latency-setting.js';
import { startMiniCluster } from '../minicluster/mini-cluster.js';

/**
 * Mini cluster start + stop time (WebHDFS, RM with its 3 ports, 2 NMs with 2 ports each, the
 * HADOOP_CONF_DIR, temp dir created and removed), median of N runs, next to a baseline measured
 * in the same run: starting and stopping one bare HTTP server and one bare TCP server on port 0.
 * Target: under 1 s.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

function listen(server: HttpServer | NetServer): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

const close = (server: HttpServer | NetServer): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

async function baseline(): Promise<void> {
  const http = createHttpServer();
  const net = createNetServer();
  await Promise.all([listen(http), listen(net)]);
  await Promise.all([close(http), close(net)]);
}

async function miniCluster(): Promise<void> {
  const cluster = await startMiniCluster({ nodes: 2 });
  await cluster.stop();
}

async function median(label: string, once: () => Promise<void>): Promise<number> {
  await once(); // warm-up: module loading and JIT are not start-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    await once();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  const m = times[Math.floor(times.length / 2)];
  console.log(
    `${label.padEnd(44)} median ${m.toFixed(1).padStart(8)} ms  (min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)}, ${RUNS} runs)`,
  );
  return m;
}

console.log(
  `WebHDFS latency: ${String(chooseHdfsLatency(undefined))} (set by LOOM_MINICLUSTER_HDFS_LATENCY; start-up itself makes no HDFS calls)`,
);
const base = await median('baseline: bare HTTP + TCP server start/stop', baseline);
const mc = await median('mini cluster (2 NMs) start/stop', miniCluster);
console.log(`ratio mini cluster / baseline: ${(mc / base).toFixed(1)}x; target < 1000 ms: ${mc < 1000 ? 'met' : 'MISSED'}`);
