/**
 * Checks a packed bundle on the client, before anything is uploaded or submitted, the way a
 * TaskExecutor will load it: the bundle is laid out as it will be in the TaskExecutor's cache (a
 * single file alone in a directory, `.js` marked as an ES module; a directory unpacked from the
 * very archive that is uploaded), and Node's own loader resolves, parses and links its static
 * module graph there, in a child process. Linking is made to fail on purpose at its last step
 * (an import of a name no module exports), so no module of the bundle is ever evaluated: its
 * top-level code does not run on the client. What this finds:
 *
 *   - a syntax error in any module of the graph, as file:line:column of the user's own file;
 *   - a static import that will not resolve where the bundle runs: a package a single-file
 *     bundle does not carry (pass the directory instead), a package missing from a directory
 *     bundle's node_modules, a relative file that is not part of the bundle;
 *   - an import of a name another module does not export;
 *   - the export `-c` names (or main's), missing from the entry module.
 *
 * Node's loader rather than a parser of our own (or a new dependency such as es-module-lexer):
 * it is exactly what will run the bundle (package.json `exports`, CommonJS named exports,
 * import attributes), and V8 reports the exact position of a syntax error.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unpackArchive } from '../../hadoop/archive/archive-unpack.js';
import { BundleError, type PackedBundle } from './bundle-pack.js';

export interface BundleCheckOptions {
  /** The export the entry module must have: `-c` of a session job, or the program's main (`default`). */
  exportName?: string;
  /** What the export is for, so the message says how to fix it: a task function (`-c` of a job) or main(ctx). */
  exportRole?: 'task' | 'main';
  /** How long Node may take to load the module graph (default 120 s); past it the check is skipped with a warning. */
  timeoutMs?: number;
  /** Where the bundle is laid out for the check (default: the OS temp dir). */
  tmpDir?: string;
  /** Where a warning goes (a check that could not finish). */
  log?: (line: string) => void;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** The name the check's last import asks for; no module exports it, so linking stops there. */
const NEVER_EXPORTED = 'loomBundleCheckNeverExported';

/** Resolves when the bundle will load on a TaskExecutor; otherwise throws a BundleError naming the user's file and the fix. */
export async function checkBundle(packed: PackedBundle, userPath: string, opts: BundleCheckOptions = {}): Promise<void> {
  const work = await realpath(await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'loom-bundle-check-')));
  try {
    const layout = await layOut(packed, userPath, work);
    const outcome = await loadInChild(layout, opts.exportName, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (outcome.kind === 'timeout') {
      opts.log?.(
        `warning: the bundle ${userPath} could not be checked within ${Math.round((opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s; submitting it unchecked`,
      );
      return;
    }
    if (outcome.kind !== 'ok') throw new BundleError(problem(outcome, layout, opts.exportRole ?? 'task'), { detail: outcome.raw });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The bundle as a TaskExecutor's cache will hold it, and how to name its files for the user. */
interface Layout {
  /** The checked copy's root (the bundle's directory in the cache). */
  root: string;
  entry: string;
  single: boolean;
  userPath: string;
  /** A path under root as the user knows it. */
  userName(path: string): string;
  /** Text with the copy's paths and URLs replaced by the user's. */
  userText(text: string): string;
  /** Whether Node loads the entry as CommonJS (its named exports are then only known once it runs). */
  commonJsEntry: boolean;
}

async function layOut(packed: PackedBundle, userPath: string, work: string): Promise<Layout> {
  const root = join(work, 'bundle');
  let entryRel: string;
  let userRoot: string;
  const single = packed.description.kind === 'file';
  if (single) {
    entryRel = basename(userPath);
    userRoot = dirname(userPath);
    await unpackSingle(packed.localFile, root, entryRel);
  } else {
    const { entry } = packed.description;
    if (entry === undefined) throw new Error(`the packed bundle ${packed.localFile} is an archive that names no entry`);
    entryRel = entry;
    userRoot = userPath.replace(/[/\\]+$/, '') || userPath;
    await unpackArchive(basename(packed.localFile), 'tar.gz', await readFile(packed.localFile), root);
  }
  const userName = (path: string) => {
    const rel = relative(root, path);
    return rel.startsWith('..') ? path : userRoot === '.' ? rel : join(userRoot, rel);
  };
  const rootUrl = pathToFileURL(root).href;
  const userText = (text: string) =>
    text.replace(new RegExp(`(${escapeRegExp(rootUrl)}|${escapeRegExp(root)})(/[^\\s'"):]*)?`, 'g'), (_m, _p, rest: string | undefined) =>
      userName(join(root, safeDecode(rest ?? ''))),
    );
  return { root, entry: join(root, entryRel), single, userPath, userName, userText, commonJsEntry: await loadsAsCommonJs(root, entryRel) };
}

/** As the TaskExecutor's cache holds a single-file bundle: alone in a directory, a `.js` file marked as an ES module. */
async function unpackSingle(file: string, root: string, name: string): Promise<void> {
  await mkdir(root, { recursive: true });
  await copyFile(file, join(root, name));
  if (extname(name) === '.js') await writeFile(join(root, 'package.json'), '{"type":"module"}\n');
}

/** .cjs, or .js under a package.json (inside the bundle) that does not say "type": "module". */
async function loadsAsCommonJs(root: string, entryRel: string): Promise<boolean> {
  const ext = extname(entryRel);
  if (ext === '.cjs') return true;
  if (ext !== '.js') return false;
  for (let dir = dirname(join(root, entryRel)); ; dir = dirname(dir)) {
    const text = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
    if (text !== undefined) {
      try {
        return (JSON.parse(text) as { type?: unknown }).type !== 'module';
      } catch {
        return true;
      }
    }
    if (dir === root || !dir.startsWith(root + sep)) return true;
  }
}

type Outcome =
  | { kind: 'ok' }
  | { kind: 'timeout' }
  | { kind: 'missing-export'; name: string; raw: string }
  | { kind: 'syntax'; file: string; line: number; column?: number; message: string; raw: string }
  | { kind: 'load'; code?: string; message: string; raw: string };

/**
 * The child: imports a module that imports (1) the entry, asking for the export, and (2) a
 * module asking a data: module for a name it does not export. Node resolves and parses the whole
 * graph, then links depth first in import order: a missing export or a bad import in the bundle
 * fails first; otherwise (2) fails, and that failure means the bundle links. Nothing is evaluated.
 * A SyntaxError is rethrown, so Node reports it as it does for a crash: with the file, the line
 * and a caret under the column (the only place Node gives them).
 */
const CHILD_SOURCE = `
const { entry, exportName } = JSON.parse(process.argv[1]);
const dataUrl = (source) => 'data:text/javascript,' + encodeURIComponent(source);
const ask = exportName === undefined ? 'import ' + JSON.stringify(entry) + ';'
  : 'import { ' + JSON.stringify(exportName) + ' as loomProbe } from ' + JSON.stringify(entry) + ';';
const stop = 'import { ${NEVER_EXPORTED} } from ' + JSON.stringify(dataUrl('export {};')) + ';';
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
try {
  await import(dataUrl('import ' + JSON.stringify(dataUrl(ask)) + ';\\nimport ' + JSON.stringify(dataUrl(stop)) + ';'));
  say({ kind: 'load', message: 'the check evaluated the bundle, which it must never do' });
} catch (e) {
  const missing = e && e.name === 'SyntaxError' ? /does not provide an export named '(.*)'$/.exec(e.message) : null;
  if (missing && missing[1] === '${NEVER_EXPORTED}') say({ kind: 'ok' });
  else if (missing && missing[1] === exportName && e.message.includes("module '" + entry + "'")) say({ kind: 'missing-export', name: exportName });
  else if (e && e.name === 'SyntaxError') throw e;
  else say({ kind: 'load', code: e && e.code, message: String(e && e.message || e) });
}
`;

function loadInChild(layout: Layout, exportName: string | undefined, timeoutMs: number): Promise<Outcome> {
  const input = JSON.stringify({
    entry: pathToFileURL(layout.entry).href,
    ...(exportName !== undefined && !layout.commonJsEntry ? { exportName } : {}),
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '--eval', CHILD_SOURCE, input], {
      cwd: layout.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new BundleError(`cannot start ${process.execPath} to check the bundle: ${err.message}`, { cause: err }));
    });
    child.on('close', () => {
      clearTimeout(timer);
      if (timedOut) {
        resolve({ kind: 'timeout' });
        return;
      }
      const said = stdout.trim().split('\n').at(-1);
      if (said) {
        try {
          const o = JSON.parse(said) as { kind: string; name?: string; code?: string; message?: string };
          if (o.kind === 'ok') {
            resolve({ kind: 'ok' });
            return;
          }
          if (o.kind === 'missing-export' && o.name !== undefined) {
            resolve({ kind: 'missing-export', name: o.name, raw: said });
            return;
          }
          resolve({ kind: 'load', ...(o.code ? { code: o.code } : {}), message: o.message ?? 'unknown', raw: said });
          return;
        } catch {
          // fall through to stderr
        }
      }
      resolve(
        syntaxErrorIn(stderr) ?? {
          kind: 'load',
          message: lastErrorLine(stderr) || `the check ended without an answer (stdout: ${stdout.slice(0, 200)})`,
          raw: stderr,
        },
      );
    });
  });
}

/**
 * Node's report of an uncaught SyntaxError from a module: `<file URL or path>:<line>`, the source
 * line, a caret line (`^` under the column), an empty line, then `SyntaxError: <message>`.
 */
function syntaxErrorIn(stderr: string): Outcome | undefined {
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => /^\S+:\d+$/.test(l));
  const location = at < 0 ? null : /^(\S+):(\d+)$/.exec(lines[at]);
  if (!location) return undefined;
  const [, file, line] = location;
  const caret = lines.at(at + 2)?.indexOf('^') ?? -1;
  const error = lines.slice(at + 3).find((l) => /^\w*Error\b/.test(l));
  if (!error) return undefined;
  return { kind: 'syntax', file: file, line: Number(line), ...(caret >= 0 ? { column: caret + 1 } : {}), message: error, raw: stderr };
}

function lastErrorLine(stderr: string): string {
  return (
    stderr
      .split('\n')
      .filter((l) => /^\w*Error\b/.test(l))
      .at(-1) ?? stderr.trim().split('\n')[0]
  );
}

/** One line in the user's terms: their file, and what to do. */
function problem(outcome: Exclude<Outcome, { kind: 'ok' } | { kind: 'timeout' }>, layout: Layout, role: 'task' | 'main'): string {
  const bundle = `bundle ${layout.userPath}`;
  const entry = layout.userName(layout.entry);
  switch (outcome.kind) {
    case 'missing-export': {
      const name = outcome.name;
      if (role === 'main' && name === 'default') {
        return `${entry} has no default export, so it is not a program: add \`export default async function main(ctx) { ... }\`, or name the export holding main with -c`;
      }
      const fix =
        role === 'main'
          ? `export async function ${identifierOr(name)}(ctx) { ... }`
          : `export function ${identifierOr(name)}(task) { ... }`;
      return `${entry} has no export named "${name}" (-c ${name}): add \`${fix}\`, or give -c an export it has`;
    }
    case 'syntax': {
      const where = `${layout.userText(outcome.file.startsWith('file:') ? outcome.file : pathToFileURL(outcome.file).href)}:${outcome.line}${outcome.column !== undefined ? `:${outcome.column}` : ''}`;
      return `${bundle} does not load: ${where}: ${layout.userText(outcome.message)}`;
    }
    case 'load':
      return loadProblem(outcome, layout, bundle);
  }
}

function loadProblem(outcome: { code?: string; message: string }, layout: Layout, bundle: string): string {
  const message = layout.userText(outcome.message.split('\n')[0]);
  if (outcome.code === 'ERR_MODULE_NOT_FOUND') {
    const pkg = /Cannot find package '([^']+)' imported from (.+)$/.exec(message);
    const file = /Cannot find module '([^']+)' imported from (.+)$/.exec(message);
    const importer = pkg?.[2] ?? file?.[2] ?? layout.userName(layout.entry);
    const entryName = basename(layout.entry);
    if (pkg && layout.single) {
      const dir = dirname(layout.userPath);
      const which = !existsSync(join(dir, 'node_modules', pkg[1]))
        ? `a directory holding ${entryName} and node_modules/${pkg[1]}`
        : dir === '.'
          ? 'the current directory (.)'
          : `the directory ${dir}`;
      return `${importer} imports the package "${pkg[1]}", which a single-file bundle does not carry: pass ${which} as the bundle instead, naming the module with --entry ${entryName}`;
    }
    if (pkg)
      return `${importer} imports the package "${pkg[1]}", which ${bundle} does not hold in its node_modules: install it there (npm install ${pkg[1]} in ${layout.userPath})`;
    if (file && layout.single) {
      return `${importer} imports ${file[1]}, which a single-file bundle does not carry: pass the directory holding both as the bundle instead, naming the module with --entry ${entryName}`;
    }
    if (file) return `${importer} imports ${file[1]}, which is not in ${bundle}`;
  }
  return `${bundle} does not load: ${message}`;
}

function identifierOr(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : 'name';
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
