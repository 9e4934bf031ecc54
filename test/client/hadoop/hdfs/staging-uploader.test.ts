import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebHdfsClient } from '../../../../client/hadoop/hdfs/webhdfs-client.js';
import { WebHdfsConnectionError } from '../../../../client/hadoop/hdfs/webhdfs-errors.js';
import { StagingUploadError, uploadToStaging, type UploadProgress } from '../../../../client/hadoop/hdfs/staging-uploader.js';
import { FakeWebHdfsServer } from './fake-webhdfs-server.mjs';

const MiB = 1 << 20;
let server: FakeWebHdfsServer;
let client: WebHdfsClient;
let localDir: string;
/** What start() started, stopped after each test (tests that never call start() have none). */
let stops: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  localDir = await mkdtemp(join(tmpdir(), 'loom-staging-'));
});
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
  await rm(localDir, { recursive: true, force: true });
});

async function start(options: ConstructorParameters<typeof FakeWebHdfsServer>[0] = {}): Promise<void> {
  const started = await new FakeWebHdfsServer(options).start();
  server = started;
  stops.push(() => started.stop());
  client = new WebHdfsClient({
    endpoints: [{ scheme: 'http', host: '127.0.0.1', port: server.port }],
    user: 'loom',
    retry: { maxAttempts: 1 },
  });
  const opened = client;
  stops.push(() => {
    opened.close();
  });
}

describe('uploadToStaging', () => {
  it('uploads a directory tree under temporary names, renames each into place, reports progress and HDFS sizes/times', async () => {
    await start();
    await mkdir(join(localDir, 'bundle', 'lib'), { recursive: true });
    const sizes: Record<string, number> = { 'bundle/main.js': 1000, 'bundle/lib/a.js': 300_000, 'bundle/lib/b.js': 0 };
    for (const [rel, n] of Object.entries(sizes)) await writeFile(join(localDir, rel), Buffer.alloc(n, 7));
    const events: UploadProgress[] = [];

    const staged = await uploadToStaging({
      client,
      localPath: join(localDir, 'bundle'),
      stagingDir: '/user/loom/.loom/app_1',
      onProgress: (p) => events.push(p),
    });

    const expectedPaths = [
      '/user/loom/.loom/app_1/bundle/lib/a.js',
      '/user/loom/.loom/app_1/bundle/lib/b.js',
      '/user/loom/.loom/app_1/bundle/main.js',
    ];
    expect(staged.map((s) => s.hdfsPath)).toEqual(expectedPaths);
    for (const s of staged) {
      const onServer = server.files.get(s.hdfsPath)!;
      expect(s.size).toBe(onServer.length);
      expect(s.modificationTime).toBe(onServer.modificationTime);
    }
    expect(staged.map((s) => s.size)).toEqual([300_000, 0, 1000]);
    // Nothing left under a temporary name; each file went CREATE(temp) -> RENAME(temp -> final, OVERWRITE).
    expect([...server.files.keys()].filter((k) => k.includes('_COPYING_'))).toEqual([]);
    const creates = server.requests.filter((r) => r.op === 'CREATE' && !r.datanode);
    expect(creates).toHaveLength(3);
    for (const c of creates) expect(c.path).toMatch(/\/\.[^/]+\.[0-9a-f]{12}\._COPYING_$/);
    const renames = server.requests.filter((r) => r.op === 'RENAME');
    expect(renames.map((r) => new URLSearchParams(r.query).get('destination'))).toEqual(expectedPaths);
    expect(renames.every((r) => r.query.includes('renameoptions=OVERWRITE'))).toBe(true);
    // Progress: monotonic, ends at the total.
    const total = 301_000;
    expect(events.every((e) => e.bytesTotal === total)).toBe(true);
    expect(events.map((e) => e.bytesDone)).toEqual([...events.map((e) => e.bytesDone)].sort((a, b) => a - b));
    expect(events.at(-1)!.bytesDone).toBe(total);
  });

  it('a DataNode that drops the connection halfway leaves nothing under the final name and a clear error', async () => {
    await start({ dropUploadAfterBytes: 8 * MiB });
    const local = join(localDir, 'job.bundle.js');
    await writeFile(local, Buffer.alloc(16 * MiB, 1));

    const err = await uploadToStaging({ client, localPath: local, stagingDir: '/staging' }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(StagingUploadError);
    expect((err as Error).message).toMatch(
      /^upload of .*job\.bundle\.js to \/staging\/job\.bundle\.js failed, nothing was left under that name: PUT 127\.0\.0\.1:\d+\/webhdfs\/v1\/staging\/\.job\.bundle\.js\.[0-9a-f]+\._COPYING_: connection broke/,
    );
    expect((err as Error).cause).toBeInstanceOf(WebHdfsConnectionError);
    expect(server.files.has('/staging/job.bundle.js')).toBe(false);
    expect([...server.files.keys()].filter((k) => k.startsWith('/staging/'))).toEqual([]);
    expect(server.requests.some((r) => r.op === 'RENAME')).toBe(false);
    expect(server.requests.some((r) => r.op === 'DELETE' && r.path.includes('_COPYING_'))).toBe(true);
  });

  it('a missing local file is a clear error before any request', async () => {
    await start();
    await expect(uploadToStaging({ client, localPath: join(localDir, 'nope.js'), stagingDir: '/s' })).rejects.toThrow(
      /cannot upload .*nope\.js: no such file or directory/,
    );
    expect(server.requests).toHaveLength(0);
  });
});
