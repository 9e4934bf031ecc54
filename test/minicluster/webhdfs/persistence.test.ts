/** A restarted server (or a second reader of the edit log) sees exactly the acknowledged state. */
import { afterEach, describe, expect, it } from 'vitest';
import { Namespace } from '../../../minicluster/webhdfs/namespace.js';
import { createFile, json, makeDataDir, send, startTestCluster, type TestCluster } from './webhdfs-test-kit.js';
import { rmSync } from 'node:fs';

describe('WebHDFS namespace persistence', () => {
  const clusters: TestCluster[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clusters.splice(0)) await c.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const start = async (dataDir: string) => {
    const c = await startTestCluster({}, dataDir);
    clusters.push(c);
    return c;
  };
  /** A server on a new data directory that the test may restart. */
  const startFresh = async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    return { dataDir, a: await start(dataDir) };
  };

  it('keeps files, directories and metadata across a restart', async () => {
    const { dataDir, a } = await startFresh();
    await send('PUT', a.nn('/app/lib?op=MKDIRS&permission=750&user.name=root'));
    await createFile(a, '/app/lib/one.txt', 'first file\n');
    await createFile(a, '/app/two.bin', Buffer.alloc(3000, 7), '&replication=2&blocksize=2097152');
    await send('PUT', a.nn('/app/lib/one.txt?op=SETPERMISSION&permission=600&user.name=root'));
    await send('PUT', a.nn('/app/lib/one.txt?op=SETTIMES&modificationtime=1600000000000&accesstime=1600000000500&user.name=root'));
    await send('PUT', a.nn('/app/two.bin?op=RENAME&destination=/app/lib/two.bin&user.name=root'));
    await createFile(a, '/app/gone.txt', 'bye');
    await send('DELETE', a.nn('/app/gone.txt?op=DELETE&user.name=root'));
    const before = json(await send('GET', a.nn('/app/lib?op=LISTSTATUS&user.name=root')));
    const summaryBefore = json(await send('GET', a.nn('/app?op=GETCONTENTSUMMARY&user.name=root')));
    const lastId = Math.max(...before.FileStatuses.FileStatus.map((s: { fileId: number }) => s.fileId));
    await a.stop();

    const b = await start(dataDir);
    expect(json(await send('GET', b.nn('/app/lib?op=LISTSTATUS&user.name=root')))).toEqual(before);
    expect(json(await send('GET', b.nn('/app?op=GETCONTENTSUMMARY&user.name=root')))).toEqual(summaryBefore);
    expect((await send('GET', b.nn('/app/gone.txt?op=GETFILESTATUS&user.name=root'))).status).toBe(404);
    const open = await send('GET', b.nn('/app/lib/one.txt?op=OPEN&user.name=root'));
    expect((await send('GET', String(open.headers.location))).body.toString()).toBe('first file\n');
    // Ids keep increasing after a restart (the deleted file's id is not reused either).
    await send('PUT', b.nn('/app/new?op=MKDIRS&user.name=root'));
    const fresh = json(await send('GET', b.nn('/app/new?op=GETFILESTATUS&user.name=root'))).FileStatus;
    expect(fresh.fileId).toBe(lastId + 2);
  });

  it('replays the edit log of a server that never checkpointed', async () => {
    const { dataDir, a } = await startFresh();
    await send('PUT', a.nn('/logged/dir?op=MKDIRS&user.name=root'));
    await createFile(a, '/logged/dir/data', 'abcdef');
    // A second namespace opened while the first still runs: it only has the image + edits on disk.
    const replayed = Namespace.open({ dataDir, superUser: 'root' });
    const status = replayed.statusOf('/logged/dir/data');
    expect(status).toMatchObject({ type: 'FILE', length: 6, owner: 'root', permission: 0o644 });
    const { stream, length } = replayed.openFile('/logged/dir/data', 2);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect([length, Buffer.concat(chunks).toString()]).toEqual([4, 'cdef']);
  });
});
