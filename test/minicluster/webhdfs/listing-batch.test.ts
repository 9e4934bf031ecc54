/** LISTSTATUS_BATCH pages of dfs.ls.limit (1000) entries over a directory of 2,500. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, send, startTestCluster, type TestCluster } from './webhdfs-test-kit.js';

const names = Array.from({ length: 2500 }, (_, i) => `entry-${String(i).padStart(4, '0')}`);

describe('LISTSTATUS_BATCH over 2,500 entries', () => {
  let c: TestCluster;

  beforeAll(async () => {
    c = await startTestCluster();
    // Created out of order: the listing must come back sorted by name.
    for (const name of [...names].reverse()) c.server.namespace.mkdirs('root', `/big/${name}`);
  });

  afterAll(async () => {
    await c.dispose();
  });

  it('pages 1000 + 1000 + 500 with startAfter and remainingEntries', async () => {
    const seen: string[] = [];
    const remaining: number[] = [];
    let startAfter = '';
    for (;;) {
      const answer = await send('GET', c.nn(`/big?op=LISTSTATUS_BATCH&user.name=root${startAfter ? `&startAfter=${startAfter}` : ''}`));
      expect(answer.status).toBe(200);
      const listing = json(answer).DirectoryListing;
      const page = listing.partialListing.FileStatuses.FileStatus.map((s: { pathSuffix: string }) => s.pathSuffix);
      seen.push(...page);
      remaining.push(listing.remainingEntries);
      if (listing.remainingEntries === 0) break;
      startAfter = page[page.length - 1];
    }
    expect(remaining).toEqual([1500, 500, 0]);
    expect(seen).toEqual(names);
  });

  it('lists all of them with LISTSTATUS', async () => {
    const all = json(await send('GET', c.nn('/big?op=LISTSTATUS&user.name=root'))).FileStatuses.FileStatus;
    expect(all).toHaveLength(2500);
    expect(json(await send('GET', c.nn('/big?op=GETFILESTATUS&user.name=root'))).FileStatus.childrenNum).toBe(2500);
  });
});
