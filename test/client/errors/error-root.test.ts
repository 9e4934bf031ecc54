/**
 * One error root: every error class Loom exports has LoomError in its prototype chain and a
 * stable code of its own (client/errors/loom-error.ts). Checked on the compiled modules
 * (dist/, `npm run build` first), which is what bin/loom.js and the cluster processes run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..', '..');
const DIST = join(REPO, 'dist');
const FOLDERS = ['cli', 'client', 'appmaster', 'taskexecutor', 'minicluster'];

/** Modules that start a process or a worker thread when imported, each with what it starts. */
const ENTRY_POINTS: Readonly<Record<string, string>> = {
  'appmaster/main.js': 'the ApplicationMaster process',
  'appmaster/modes/program-worker.js': "the worker thread that runs a program's main()",
  'taskexecutor/main.js': 'the TaskExecutor process',
  'taskexecutor/task-worker.js': 'the worker thread that runs a task',
  'minicluster/distributed-shell/distributed-shell-am.js': "the mini cluster's DistributedShell ApplicationMaster",
};

/** The `code` naming rule: UPPER_SNAKE_CASE, SUBJECT_PROBLEM. */
const CODE_SHAPE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return files(path, ext);
    return e.name.endsWith(ext) ? [path] : [];
  });
}

type ErrorClass = (new (...args: never[]) => Error) & { code?: unknown };

interface ExportedClass {
  module: string;
  name: string;
  errorClass: ErrorClass;
}

let LoomError: ErrorClass;
const exported: ExportedClass[] = [];

beforeAll(async () => {
  if (!existsSync(join(DIST, 'client', 'errors', 'loom-error.js'))) throw new Error(`${DIST} is missing: build Loom first (npm run build)`);
  // The dist modules' own LoomError: a class is only in the prototype chain of classes from the same module instance.
  LoomError = ((await import(pathToFileURL(join(DIST, 'client', 'errors', 'loom-error.js')).href)) as { LoomError: ErrorClass }).LoomError;
  for (const folder of FOLDERS) {
    for (const file of files(join(DIST, folder), '.js')) {
      const module = relative(DIST, file);
      if (module in ENTRY_POINTS) continue;
      const exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exports)) {
        if (typeof value === 'function' && value.prototype instanceof Error)
          exported.push({ module, name, errorClass: value as ErrorClass });
      }
    }
  }
}, 120_000);

describe('one error root', () => {
  it('finds the error classes of every layer', () => {
    const modules = new Set(exported.map((e) => e.module.split('/')[0]));
    expect([...modules].sort()).toEqual([...FOLDERS].sort());
    expect(exported.length).toBeGreaterThan(60);
  });

  it('every exported error class has LoomError in its prototype chain', () => {
    const outside = exported.filter((e) => e.errorClass !== LoomError && !(e.errorClass.prototype instanceof LoomError));
    expect(outside.map((e) => `${e.module}: ${e.name}`)).toEqual([]);
  });

  it('every exported error class has a non-empty code of the documented shape, and no two classes share one', () => {
    const classes = [...new Map(exported.map((e) => [e.errorClass, e])).values()];
    const badShape = classes.filter((e) => typeof e.errorClass.code !== 'string' || !CODE_SHAPE.test(e.errorClass.code));
    expect(badShape.map((e) => `${e.module}: ${e.name} has code ${String(e.errorClass.code)}`)).toEqual([]);
    const byCode = new Map<string, string[]>();
    for (const e of classes)
      byCode.set(String(e.errorClass.code), [...(byCode.get(String(e.errorClass.code)) ?? []), `${e.module}: ${e.name}`]);
    const shared = [...byCode].filter(([, owners]) => owners.length > 1);
    expect(shared).toEqual([]);
  });

  it('no class in the sources extends Error directly but LoomError (unexported classes included)', () => {
    const direct = FOLDERS.flatMap((folder) => files(join(REPO, folder), '.ts'))
      .filter((file) => !file.endsWith('.d.ts'))
      .flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends Error\b/g)].map((m) => `${relative(REPO, file)}: ${m[1]}`),
      );
    expect(direct).toEqual(['client/errors/loom-error.ts: LoomError']);
  });

  it('the entry points it leaves out exist', () => {
    for (const module of Object.keys(ENTRY_POINTS)) expect(existsSync(join(DIST, module)), module).toBe(true);
  });
});
