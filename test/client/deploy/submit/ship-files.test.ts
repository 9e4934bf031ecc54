import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkShipFiles, checkShipFilesAgainstRuntime, DeploymentError } from '../../../../client/deploy/submit/cluster-deployer.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function file(name: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'loom-ship-'));
  const path = join(dir, name);
  writeFileSync(path, 'x');
  return path;
}

describe('ship files (-t)', () => {
  it.each(['loom-node', 'loom-runtime.json', 'loom-runtime', 'loom-conf.yaml', 'loom-secret'])(
    'refuses one named %s, a name Loom links itself',
    async (name) => {
      const err = await checkShipFiles([file(name)]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeploymentError);
      expect((err as Error).message).toBe(`ship file ${join(dir!, name)} (-t) has the name ${name}, which Loom uses itself; rename it`);
    },
  );

  it('refuses one named like a provided lib file, or like the top dir of a nested one, naming both', async () => {
    dir = mkdtempSync(join(tmpdir(), 'loom-ship-'));
    mkdirSync(join(dir, 'lib'));
    const ship = await checkShipFiles([file('b.txt'), join(dir, 'lib'), file('own.txt')]);
    const provided = (p: string) => ({
      uri: `hdfs://nn:8020/apps/extra/${p}`,
      size: 1,
      timestamp: 1,
      type: 'FILE' as const,
      visibility: 'PUBLIC' as const,
    });
    const runtime = { 'b.txt': provided('b.txt'), 'lib/deep/a.js': provided('lib/deep/a.js'), 'other.txt': provided('other.txt') };
    const err = (() => {
      try {
        checkShipFilesAgainstRuntime(ship, runtime);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(DeploymentError);
    expect(err!.message.split('\n')).toEqual([
      `ship file ${join(dir, 'b.txt')} (-t) has the name b.txt, which the containers' working dirs hold already: the provided lib file hdfs://nn:8020/apps/extra/b.txt (yarn.provided.lib.dirs) is linked as b.txt; rename the ship file`,
      `ship file ${join(dir, 'lib')} (-t) has the name lib, which the containers' working dirs hold already: the provided lib file hdfs://nn:8020/apps/extra/lib/deep/a.js (yarn.provided.lib.dirs) is linked as lib/deep/a.js; rename the ship file`,
    ]);
    expect(() => checkShipFilesAgainstRuntime(ship.slice(2), runtime)).not.toThrow();
  });
});
