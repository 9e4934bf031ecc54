import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { placeContentAddressed } from '../../../../client/deploy/runtime/runtime-content-upload.js';
import type { TransferProgressSink } from '../../../../client/deploy/transfer-progress-sink.js';
import { startRuntimeTestKit, type RuntimeTestKit } from './runtime-test-kit.js';

let kit: RuntimeTestKit;
beforeEach(async () => {
  kit = await startRuntimeTestKit();
  await kit.admin.mkdirs('/r');
});
afterEach(async () => {
  await kit.stop();
});

describe('placeContentAddressed', () => {
  it('uploads once; a later call reuses the file without touching it', async () => {
    const local = join(kit.dir, 'a.bin');
    await writeFile(local, 'runtime bytes');
    const first = await placeContentAddressed(kit.admin, local, '/r', 'loom-runtime-abc.tar.gz', { permission: '644' });
    expect(first).toMatchObject({ path: '/r/loom-runtime-abc.tar.gz', size: 13, bytesSent: 13, permission: '644' });
    const again = await placeContentAddressed(kit.admin, local, '/r', 'loom-runtime-abc.tar.gz');
    expect(again).toEqual({ ...first, bytesSent: 0 });
  });

  it('tells its transfers sink of an upload (name, size, bytes, end), and of nothing when the file is reused', async () => {
    const local = join(kit.dir, 'big.bin');
    await writeFile(local, Buffer.alloc(300 * 1024, 1));
    const events: string[] = [];
    const transfers: TransferProgressSink = {
      begin: ({ name, direction, totalBytes }) => {
        events.push(`begin ${direction} ${name} ${totalBytes}`);
        return {
          progress: (done, total) => events.push(`progress ${done}/${total}`),
          end: (completed) => events.push(`end ${completed}`),
        };
      },
    };
    await placeContentAddressed(kit.admin, local, '/r', 'loom-runtime-big.tar.gz', { transfers });
    expect(events[0]).toBe(`begin upload loom-runtime-big.tar.gz ${300 * 1024}`);
    expect(events.slice(-2)).toEqual([`progress ${300 * 1024}/${300 * 1024}`, 'end true']);
    events.length = 0;
    await placeContentAddressed(kit.admin, local, '/r', 'loom-runtime-big.tar.gz', { transfers });
    expect(events).toEqual([]);
  });

  it('racing uploads of the same content end with one file that none of them replaced', async () => {
    const local = join(kit.dir, 'a.bin');
    await writeFile(local, Buffer.alloc(256 * 1024, 7));
    const logs: string[] = [];
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => placeContentAddressed(kit.admin, local, '/r', 'loom-node-abc', { log: (l) => logs.push(l) })),
    );
    const listing = await kit.admin.listStatus('/r');
    // No temporary copies left behind, one file under the final name.
    expect(listing.map((s) => s.pathSuffix)).toEqual(['loom-node-abc']);
    // Every caller got the same file: the modification time a container's LocalResource carries.
    expect(new Set(results.map((r) => r.modificationTime))).toEqual(new Set([listing[0].modificationTime]));
    expect(results.every((r) => r.size === 256 * 1024)).toBe(true);
    // The losers say so (or found it already there), they never overwrote it.
    expect(results.filter((r) => r.bytesSent > 0).length - 1).toBe(logs.length);
  });

  it('keeps a file an application may be using: its modification time stays', async () => {
    await kit.put('/r/loom-runtime-abc.tar.gz', 'same');
    await kit.admin.setTimes('/r/loom-runtime-abc.tar.gz', { modificationTime: 1_000_000 });
    const local = join(kit.dir, 'a.bin');
    await writeFile(local, 'same');
    const placed = await placeContentAddressed(kit.admin, local, '/r', 'loom-runtime-abc.tar.gz');
    expect(placed).toMatchObject({ modificationTime: 1_000_000, bytesSent: 0 });
    expect((await kit.admin.getFileStatus('/r/loom-runtime-abc.tar.gz')).modificationTime).toBe(1_000_000);
  });

  it('refuses a file of that name with other content, and says how to recover', async () => {
    await kit.put('/r/loom-runtime-abc.tar.gz', 'truncated');
    const local = join(kit.dir, 'a.bin');
    await writeFile(local, 'the whole runtime');
    await expect(placeContentAddressed(kit.admin, local, '/r', 'loom-runtime-abc.tar.gz')).rejects.toThrow(
      "/r/loom-runtime-abc.tar.gz has 9 bytes but its name says it holds content of 17 bytes: it is damaged or not Loom's; remove it (hdfs dfs -rm /r/loom-runtime-abc.tar.gz) so that the next command uploads it again",
    );
  });
});
