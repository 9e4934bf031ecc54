import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveRuntime } from '../../../../client/deploy/runtime/runtime-resources.js';
import { formatManifest, type RuntimeManifest } from '../../../../client/deploy/runtime/runtime-manifest.js';
import { startRuntimeTestKit, type RuntimeTestKit } from './runtime-test-kit.js';

let kit: RuntimeTestKit;
beforeEach(async () => {
  kit = await startRuntimeTestKit();
});
afterEach(async () => {
  await kit.stop();
});

const H = 'a'.repeat(64);
const RT = '/apps/loom/loom-0.1.0-aaaaaaaaaaaa';

/** A runtime directory as upload-runtime writes it (small stand-in bytes). */
async function putRuntime(dir = RT, opts: { nodeSize?: number } = {}): Promise<void> {
  await kit.admin.mkdirs(dir);
  const manifest: RuntimeManifest = {
    format: 1,
    loomVersion: '0.1.0',
    hash: H,
    node: { platform: 'linux-x64', version: 'v20.0.0' },
    files: [
      { name: 'loom-runtime-aaaa.tar.gz', role: 'runtime', size: 7, sha256: H },
      { name: 'loom-node-aaaa', role: 'node', size: opts.nodeSize ?? 4, sha256: H },
    ],
  };
  await kit.put(`${dir}/loom-runtime-aaaa.tar.gz`, 'archive');
  await kit.put(`${dir}/loom-node-aaaa`, 'node');
  await kit.put(`${dir}/loom-runtime.json`, formatManifest(manifest));
}

async function mtime(path: string): Promise<number> {
  return (await kit.admin.getFileStatus(path)).modificationTime;
}

describe('provided lib dirs', () => {
  it('registers every file of every entry as PUBLIC, the runtime by role, and uploads nothing', async () => {
    await putRuntime();
    await kit.put('/apps/extra/lib/deep/a.js', 'a');
    await kit.put('/apps/extra/b.txt', 'bb');
    await kit.put('/apps/extra/.hidden._COPYING_', 'in flight');
    await kit.put('/apps/tools.tar.gz', 'tgz');
    await kit.put('/apps/notes.txt', 'n');
    const before = await kit.snapshot();
    const ctx = kit.context({ 'yarn.provided.lib.dirs': `${kit.fsUri}${RT};/apps/extra;/apps/tools.tar.gz;hdfs:///apps/notes.txt` });
    const runtime = await resolveRuntime(ctx);
    const u = (p: string) => `${kit.fsUri}${p}`;
    const pub = async (p: string, size: number, type: 'FILE' | 'ARCHIVE' = 'FILE') => ({
      uri: u(p),
      size,
      timestamp: await mtime(p),
      type,
      visibility: 'PUBLIC',
    });
    expect(runtime.localResources).toEqual({
      'loom-runtime': await pub(`${RT}/loom-runtime-aaaa.tar.gz`, 7, 'ARCHIVE'),
      'loom-node': await pub(`${RT}/loom-node-aaaa`, 4),
      'loom-runtime.json': await pub(`${RT}/loom-runtime.json`, (await kit.admin.getFileStatus(`${RT}/loom-runtime.json`)).length),
      'lib/deep/a.js': await pub('/apps/extra/lib/deep/a.js', 1),
      'b.txt': await pub('/apps/extra/b.txt', 2),
      tools: await pub('/apps/tools.tar.gz', 3, 'ARCHIVE'),
      'notes.txt': await pub('/apps/notes.txt', 1),
    });
    expect(runtime.nodeCommand).toBe('./loom-node');
    expect(runtime.uploadedBytes).toBe(0);
    expect(runtime.uploadedFiles).toEqual([]);
    expect(await kit.snapshot()).toEqual(before);
  });

  it('with loom.node.path, containers run that node and the provided binary is not localized', async () => {
    await putRuntime();
    const runtime = await resolveRuntime(kit.context({ 'yarn.provided.lib.dirs': RT, 'loom.node.path': '/opt/node/bin/node' }));
    expect(Object.keys(runtime.localResources).sort()).toEqual(['loom-runtime', 'loom-runtime.json']);
    expect(runtime.nodeCommand).toBe('/opt/node/bin/node');
  });

  const failures: [string, () => Promise<string>, RegExp][] = [
    [
      'a missing dir',
      async () => {
        await putRuntime();
        return `${RT};/apps/missing`;
      },
      /^provided lib dir \/apps\/missing \(yarn.provided.lib.dirs\) does not exist: check the path, or put Loom's runtime there with "loom upload-runtime webhdfs:\/\/127.0.0.1:\d+\/apps"$/,
    ],
    [
      'a dir without the runtime',
      async () => {
        await kit.put('/apps/extra/a.js', 'a');
        return '/apps/extra';
      },
      /^none of the provided lib dirs \(\/apps\/extra\) holds Loom's runtime \(a loom-runtime.json next to loom-runtime-<hash>.tar.gz and loom-node-<hash>\): put it on HDFS with "loom upload-runtime hdfs:\/\/<dir>" and pass the -Dyarn.provided.lib.dirs=... it prints$/,
    ],
    [
      'a file not readable by all',
      async () => {
        await putRuntime();
        await kit.admin.setPermission(`${RT}/loom-node-aaaa`, '640');
        return RT;
      },
      /^provided lib dir \/apps\/loom\/loom-0.1.0-aaaaaaaaaaaa is not readable by all users: \/apps\/loom\/loom-0.1.0-aaaaaaaaaaaa\/loom-node-aaaa \(640\); YARN localizes provided lib dirs as PUBLIC resources, which every user must be able to read: run "hdfs dfs -chmod -R o\+rX \/apps\/loom\/loom-0.1.0-aaaaaaaaaaaa"$/,
    ],
    [
      'a parent others cannot traverse',
      async () => {
        await putRuntime();
        // alice may pass (she owns it), other users may not.
        await kit.admin.setOwner('/apps/loom', { owner: 'alice' });
        await kit.admin.setPermission('/apps/loom', '750');
        return RT;
      },
      /^directory \/apps\/loom \(permission 750\) is not executable by all users, so NodeManagers cannot reach the provided lib dir \/apps\/loom\/loom-0.1.0-aaaaaaaaaaaa through it \(PUBLIC resources need world-executable parent directories\): run "hdfs dfs -chmod o\+x \/apps\/loom", or use a directory all users can traverse$/,
    ],
    [
      'a dir the submitting user cannot read',
      async () => {
        await putRuntime();
        await kit.admin.setPermission('/apps/loom', '700');
        return RT;
      },
      /^provided lib dir \/apps\/loom\/loom-0.1.0-aaaaaaaaaaaa \(yarn.provided.lib.dirs\) cannot be read \(.*Permission denied: user=alice.*\); YARN localizes provided lib dirs as PUBLIC resources, which every user must be able to read: run "hdfs dfs -chmod o\+x" on each parent directory and "hdfs dfs -chmod -R o\+rX \/apps\/loom\/loom-0.1.0-aaaaaaaaaaaa"$/,
    ],
    [
      'a damaged runtime',
      async () => {
        await putRuntime(RT, { nodeSize: 99 });
        return RT;
      },
      /the Loom runtime in \/apps\/loom\/loom-0.1.0-aaaaaaaaaaaa is damaged: \/apps\/loom\/loom-0.1.0-aaaaaaaaaaaa\/loom-node-aaaa has 4 bytes, its manifest says 99; upload it again with "loom upload-runtime webhdfs:\/\/127.0.0.1:\d+\/apps\/loom"/,
    ],
    [
      'two runtimes',
      async () => {
        await putRuntime();
        await putRuntime('/apps/loom/loom-0.0.9-bbbbbbbbbbbb');
        return '/apps/loom';
      },
      /the provided lib dirs hold 2 Loom runtimes \(.*\): name one versioned directory \(loom-<version>-<hash>\) in yarn.provided.lib.dirs/,
    ],
    [
      'two files with one link name',
      async () => {
        await putRuntime();
        await kit.put('/apps/a/x.js', '1');
        await kit.put('/apps/b/x.js', '2');
        return `${RT};/apps/a;/apps/b`;
      },
      /provided lib files webhdfs:\/\/.*\/apps\/a\/x.js and webhdfs:\/\/.*\/apps\/b\/x.js would both be linked as x.js in the containers' working dirs: rename one, or leave one out of yarn.provided.lib.dirs/,
    ],
  ];

  for (const [what, setUp, message] of failures) {
    it(`fails before anything is written for ${what}, saying which and what to do`, async () => {
      const dirs = await setUp();
      const before = await kit.snapshot();
      await expect(resolveRuntime(kit.context({ 'yarn.provided.lib.dirs': dirs }))).rejects.toThrow(message);
      expect(await kit.snapshot()).toEqual(before);
    });
  }

  it('reports every problem at once', async () => {
    await kit.put('/apps/extra/a.js', 'a', '600');
    await expect(resolveRuntime(kit.context({ 'yarn.provided.lib.dirs': '/apps/extra;/apps/gone' }))).rejects.toThrow(
      /^2 problems with the provided lib dirs \(yarn.provided.lib.dirs\): \(1\) provided lib dir \/apps\/extra is not readable by all users: .* \(2\) provided lib dir \/apps\/gone .*does not exist/,
    );
  });
});
