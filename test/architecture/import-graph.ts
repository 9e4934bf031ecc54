import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { IO_MODULES, type Layer } from './layers.js';

/** One import statement: which module imports what (a repository path, or a package name). */
export interface ImportEdge {
  from: string;
  /** Repository-relative path of the imported module (`.js` as written, mapped to `.ts`), or the bare specifier. */
  to: string;
  relative: boolean;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every import of every .ts module under `dirs` (repository-relative), skipping declaration files. */
export function importEdges(root: string, dirs: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const dir of dirs) {
    for (const file of walk(join(root, dir))) {
      const from = relative(root, file).split('\\').join('/');
      for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const spec = m.at(1) ?? m.at(2) ?? m.at(3);
        if (spec === undefined) continue;
        if (spec.startsWith('.'))
          edges.push({ from, to: posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts'), relative: true });
        else edges.push({ from, to: spec.replace(/^node:/, ''), relative: false });
      }
    }
  }
  return edges;
}

function* walk(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) yield p;
  }
}

const within = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/** The most specific layer a module belongs to. */
export function layerOf(path: string, layers: readonly Layer[]): Layer | undefined {
  return layers.filter((l) => within(path, l.dir)).sort((a, b) => b.dir.length - a.dir.length)[0];
}

/** Each import that runs against the layer table, as a line naming both modules and the rule. */
export function layerViolations(edges: readonly ImportEdge[], layers: readonly Layer[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const layer = layerOf(e.from, layers);
    if (!layer) {
      out.push(`${e.from}: in no layer; add its folder to test/architecture/layers.ts`);
      continue;
    }
    if (!e.relative) {
      if (layer.noIo && IO_MODULES.includes(e.to) && !layer.ioExceptions?.[e.from])
        out.push(`${e.from} imports ${e.to}: ${layer.dir} does no I/O`);
      continue;
    }
    if (within(e.to, layer.dir) || layer.mayImport.some((d) => within(e.to, d))) continue;
    const target = layerOf(e.to, layers);
    out.push(
      `${e.from} imports ${e.to}: ${layer.dir} may import only ${layer.mayImport.join(', ') || 'nothing'}${target ? '' : ' (the target is in no layer)'}`,
    );
  }
  return out;
}

export const repoRoot = join(dirname(new URL(import.meta.url).pathname), '..', '..');
