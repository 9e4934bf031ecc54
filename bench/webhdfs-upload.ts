import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebHdfsClient } from '../client/hadoop/hdfs/webhdfs-client.js';

/**
 * Upload throughput of WebHdfsClient.create (NameNode 307, then the body streamed to the
 * DataNode, which answers 100 Continue + 201) next to a plain streaming HTTP PUT of the same
 * bytes to the same DataNode handler, in the same run. The server runs in a child process and
 * discards what it receives, so neither disk nor the server's memory is involved.
 * BENCH_BYTES (default 1 GiB) and BENCH_ROUNDS (default 5) tune it; the best round of each counts.
 */
const BYTES = Number(process.env.BENCH_BYTES ?? 1 << 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CHUNK = 64 * 1024;

/** Child process: a NameNode + DataNode that discards uploads. */
function serve(): void {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.searchParams.has('namenoderpcaddress')) {
      req.resume();
      const { port } = server.address() as { port: number };
      const location = `http://127.0.0.1:${port}${url.pathname}${url.search}&namenoderpcaddress=127.0.0.1:9000`;
      res.writeHead(307, { Location: location, 'Content-Type': 'application/octet-stream', 'Content-Length': '0' });
      res.end();
      return;
    }
    res.writeContinue();
    let received = 0;
    req.on('data', (c: Buffer) => (received += c.length));
    req.on('end', () => {
      res.writeHead(201, { Location: `hdfs://127.0.0.1:9000${url.pathname}`, 'Content-Length': '0', 'X-Received': String(received) });
      res.end();
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as { port: number }).port }));
  process.on('disconnect', () => process.exit(0));
}

function generated(total: number): Readable {
  const pattern = Buffer.alloc(CHUNK + 256);
  for (let i = 0; i < pattern.length; i++) pattern[i] = i & 0xff;
  let pos = 0;
  return new Readable({
    read() {
      if (pos >= total) return void this.push(null);
      const n = Math.min(CHUNK, total - pos);
      const start = pos & 0xff;
      pos += n;
      this.push(Buffer.from(pattern.subarray(start, start + n)));
    },
  });
}

/** The baseline: one streaming PUT with node:http, chunked like our client, straight to the DataNode handler. */
function plainPut(port: number, total: number, agent: http.Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'PUT',
        agent,
        path: '/webhdfs/v1/bench/plain.bin?op=CREATE&namenoderpcaddress=127.0.0.1:9000',
        headers: { 'Content-Type': 'application/octet-stream' },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 201 && Number(res.headers['x-received']) === total
            ? resolve()
            : reject(new Error(`plain PUT: ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    generated(total).pipe(req);
  });
}

async function timed(run: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return BYTES / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function main(): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: 'inherit' });
  try {
    const [{ port }] = (await once(child, 'message')) as [{ port: number }];
    const client = new WebHdfsClient({ endpoints: [{ scheme: 'http', host: '127.0.0.1', port }], user: 'bench' });
    const agent = new http.Agent({ keepAlive: true });
    let ours = 0;
    let plain = 0;
    for (let round = 0; round < ROUNDS; round++) {
      ours = Math.max(ours, await timed(() => client.create('/bench/ours.bin', generated(BYTES), { overwrite: true })));
      plain = Math.max(plain, await timed(() => plainPut(port, BYTES, agent)));
    }
    client.close();
    agent.destroy();
    const mbps = (v: number) => `${(v / (1 << 20)).toFixed(0)} MiB/s`;
    console.log(
      `WebHDFS upload of ${(BYTES / (1 << 20)).toFixed(0)} MiB, best of ${ROUNDS}: WebHdfsClient.create ${mbps(ours)}, plain streaming PUT ${mbps(plain)}, ratio ${(ours / plain).toFixed(2)} (goal >= 0.9)`,
    );
  } finally {
    child.disconnect();
  }
}

if (process.argv.includes('--serve')) serve();
else await main();
