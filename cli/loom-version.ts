import { readFileSync } from 'node:fs';

/**
 * Loom's version for `loom --version`: the version of the nearest package.json above this module
 * that is Loom's own (dist/cli/ and the bundle dist/bundle/cli/ sit at different depths).
 */
export function loomPackageVersion(): string {
  for (let url = new URL('./package.json', import.meta.url); ;) {
    try {
      const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'loom' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here: look one directory up
    }
    const parent = new URL('../package.json', url);
    if (parent.href === url.href) return 'unknown';
    url = parent;
  }
}
