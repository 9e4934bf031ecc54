// docs/architecture.md names every source folder, so a newcomer finds each one described; a folder
// added without a paragraph there fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './import-graph.js';

const SOURCES = ['cli', 'client', 'appmaster', 'taskexecutor', 'minicluster'];

/** Every folder under the sources that holds a .ts module, repository-relative. */
function sourceFolders(dir: string): string[] {
  const entries = readdirSync(join(repoRoot, dir), { withFileTypes: true });
  const here = entries.some((e) => e.isFile() && e.name.endsWith('.ts')) ? [dir] : [];
  return [...here, ...entries.filter((e) => e.isDirectory()).flatMap((e) => sourceFolders(`${dir}/${e.name}`))];
}

describe('docs/architecture.md', () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'architecture.md'), 'utf8');

  it('names every source folder as `folder/`', () => {
    const folders = SOURCES.flatMap((s) => sourceFolders(s));
    expect(folders.length).toBeGreaterThan(30);
    expect(folders.filter((f) => !doc.includes(`\`${f}/\``))).toEqual([]);
  });

  it('names only files that exist', () => {
    const named = [...doc.matchAll(/`((?:cli|client|appmaster|taskexecutor|minicluster|test)\/[\w./-]+\.ts)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((p) => !existsIn(p))).toEqual([]);
  });
});

function existsIn(path: string): boolean {
  try {
    readFileSync(join(repoRoot, path));
    return true;
  } catch {
    return false;
  }
}
