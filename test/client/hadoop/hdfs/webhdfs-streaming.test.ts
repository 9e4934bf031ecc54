import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { WebHdfsClient } from '../../../../client/hadoop/hdfs/webhdfs-client.js';

const GiB = 1 << 30;
const MiB = 1 << 20;
const SERVER_SCRIPT = fileURLToPath(new URL('./fake-webhdfs-server.mjs', import.meta.url));

let child: ChildProcess | undefined;
let client: WebHdfsClient | undefined;

afterEach(() => {
  client?.close();
  client = undefined;
  child?.stdin?.end();
  child?.kill();
  child = undefined;
});

/** The server runs in its own process, so only the client's memory shows in this process's RSS. */
async function startServerProcess(generatedFileLength: number): Promise<number> {
  child = spawn(process.execPath, [SERVER_SCRIPT, String(generatedFileLength)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  return (JSON.parse(line) as { port: number }).port;
}

/** Fresh 64 KiB buffers (byte at offset k is k & 0xff), created only as fast as the consumer reads. */
function generatedBytes(total: number): Readable {
  const pattern = Buffer.alloc(64 * 1024 + 256);
  for (let i = 0; i < pattern.length; i++) pattern[i] = i & 0xff;
  let pos = 0;
  return new Readable({
    read() {
      if (pos >= total) return void this.push(null);
      const n = Math.min(64 * 1024, total - pos);
      const start = pos & 0xff;
      pos += n;
      this.push(Buffer.from(pattern.subarray(start, start + n)));
    },
  });
}

function sampleRss(): { stop: () => number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

describe('streaming through a WebHDFS server on 127.0.0.1', () => {
  it('uploads and downloads 1 GiB with client RSS growing by less than 64 MiB', async () => {
    const port = await startServerProcess(GiB);
    client = new WebHdfsClient({ endpoints: [{ scheme: 'http', host: '127.0.0.1', port }], user: 'loom' });

    // Warm up sockets, JIT and buffers so the baseline is the steady state of an idle client.
    await client.create('/big/warmup.bin', generatedBytes(16 * MiB), { overwrite: true });
    let warmedUp = 0;
    for await (const chunk of await client.open('/big/generated.bin', { length: 16 * MiB })) warmedUp += (chunk as Buffer).length;
    expect(warmedUp).toBe(16 * MiB);
    const baseline = process.memoryUsage.rss();

    const upSampler = sampleRss();
    await client.create('/big/up.bin', generatedBytes(GiB), { overwrite: true });
    const upPeak = upSampler.stop();
    expect((await client.getFileStatus('/big/up.bin')).length).toBe(GiB);

    const downSampler = sampleRss();
    let received = 0;
    let patternOk = true;
    for await (const chunk of await client.open('/big/generated.bin')) {
      const b = chunk as Buffer;
      if (b[0] !== (received & 0xff)) patternOk = false;
      received += b.length;
    }
    const downPeak = downSampler.stop();
    expect(received).toBe(GiB);
    expect(patternOk).toBe(true);

    const upGrowth = (upPeak - baseline) / MiB;
    const downGrowth = (downPeak - baseline) / MiB;
    console.log(
      `[webhdfs streaming] baseline RSS ${(baseline / MiB).toFixed(1)} MiB; peak growth: upload 1 GiB ${upGrowth.toFixed(1)} MiB, download 1 GiB ${downGrowth.toFixed(1)} MiB`,
    );
    expect(upGrowth).toBeLessThan(64);
    expect(downGrowth).toBeLessThan(64);
  }, 240_000);
});
