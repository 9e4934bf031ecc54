// Application mode on Loom's runtime provided on HDFS, end to end on a one-node mini cluster:
// the submission writes only the configuration, the secret and the user bundle (read from the
// NameNode's edit log, so files the application removed at its end count too); a second
// submission localizes nothing new into the node's PUBLIC cache; every container (AM and
// TaskExecutors) starts the shipped binary linked from that cache.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedCounts, loomApplicationId, readHdfsText, uploadInput, WORD_COUNT } from '../modes/word-count-kit.js';
import {
  amContainerId,
  editLogOffset,
  hdfsWritesSince,
  launchScripts,
  localizationCounters,
  publicCache,
  useShippedNodeKit,
} from './runtime-e2e-kit.js';

const kit = useShippedNodeKit();

describe('application mode on provided lib dirs', () => {
  it('uploads only configuration, secret and bundle; the second run localizes nothing new; containers run the shipped node', async () => {
    const k = kit();
    const upload = await k.loom(['upload-runtime', `${k.cluster.defaultFs}/apps/loom`], { timeoutMs: 120_000 });
    expect(upload.code, upload.stderr).toBe(0);
    const libDirs = /^ {2}(-Dyarn\.provided\.lib\.dirs=\S+)$/m.exec(upload.stdout)![1];

    let cached: string[] | undefined;
    for (const run of [1, 2]) {
      const { input, output } = await uploadInput(k, `wc-${run}`);
      const offset = await editLogOffset(k);
      const r = await k.loom(['run-application', '-t', 'yarn-application', '--attached', libDirs, WORD_COUNT, input, output], {
        timeoutMs: 90_000,
      });
      expect(r.code, r.stderr).toBe(0);
      const appId = loomApplicationId(r.stdout);
      expect(JSON.parse(await readHdfsText(k, `${output}/counts.json`))).toEqual(await expectedCounts());

      // What the client wrote: everything the NameNode logged before YARN accepted the application.
      const submittedAt = (await k.report(appId)).startTime;
      const bySubmission = (await hdfsWritesSince(k, offset)).filter((w) => w.modificationTime <= submittedAt);
      console.log(`run ${run}, what the submission wrote to HDFS:\n${bySubmission.map((w) => `  ${w.path} ${w.size} bytes`).join('\n')}`);
      const staging = `/user/${k.user}/.loom/${appId}`;
      expect(bySubmission.map((w) => w.path)).toEqual([
        `${staging}/loom-conf.yaml`,
        `${staging}/loom-secret`,
        expect.stringMatching(new RegExp(`^${staging}/word-count-[0-9a-f]{12}\\.mjs$`)),
      ]);
      expect(bySubmission.every((w) => w.size > 0 && w.size < 20_000)).toBe(true);

      // Every container linked loom-node from the node's PUBLIC cache and started it by relative path.
      const scripts = await launchScripts(k, appId);
      expect(scripts.size).toBeGreaterThanOrEqual(2); // the AM and at least one TaskExecutor
      const publicDir = join(k.cluster.dir, 'nm-0', 'local', 'filecache');
      for (const script of scripts.values()) {
        expect(script).toMatch(new RegExp(`^ln -sf -- "${publicDir}/\\d+/loom-node-[0-9a-f]{20}" "loom-node"$`, 'm'));
        expect(script).toMatch(
          /^exec \/bin\/bash -c "MALLOC_ARENA_MAX=\\\$\{MALLOC_ARENA_MAX:-4\} \.\/loom-node --max-old-space-size=\d+ loom-runtime\/dist\/(appmaster|taskexecutor)\/main\.js /m,
        );
      }

      if (run === 1) {
        cached = await publicCache(k);
        expect(cached.map((c) => c.split('/')[1]).sort()).toEqual([
          expect.stringMatching(/^loom-node-[0-9a-f]{20}$/),
          expect.stringMatching(/^loom-runtime-[0-9a-f]{20}\.tar\.gz$/),
          'loom-runtime.json',
        ]);
      } else {
        expect(await publicCache(k)).toEqual(cached);
        // The AM found runtime, node and manifest cached; configuration, secret and bundle are its own.
        expect(await localizationCounters(k, amContainerId(appId))).toEqual({ filesMissed: 3, filesCached: 3 });
      }
    }
  }, 240_000);
});
