// The client's check of a bundle before anything is uploaded: Node's loader resolves, parses and
// links the bundle laid out as a TaskExecutor holds it, and never evaluates it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkBundle, type BundleCheckOptions } from '../../../../client/deploy/bundle/bundle-check.js';
import { BundleError, packBundle } from '../../../../client/deploy/bundle/bundle-pack.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-bundle-check-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function files(tree: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(tree)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/** Packs the bundle at `path` (relative to the test dir) and checks it; the BundleError's message, or 'ok'. */
async function check(path: string, opts: BundleCheckOptions & { entry?: string } = {}): Promise<string> {
  const { entry, ...checkOpts } = opts;
  const packed = await packBundle(join(dir, path), entry ? { entry } : {});
  try {
    await checkBundle(packed, join(dir, path), checkOpts);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(BundleError);
    return (err as Error).message;
  } finally {
    await packed.cleanup();
  }
}

const LEFTPAD = {
  'node_modules/leftpadx/package.json': '{"name":"leftpadx","type":"module","exports":{".":"./index.js"}}',
  'node_modules/leftpadx/index.js': 'export default (s) => "  " + s;\n',
};

describe('checkBundle', () => {
  it("reports a syntax error as the user's file:line:column, in whichever module of the bundle it is", async () => {
    await files({
      'syntax.mjs': 'export function ok(task) {\n  return 1;\n}\nconst x = 1 2;\n',
      'app/index.mjs': 'import { helper } from "./lib/helper.mjs";\nexport function run() { return helper(); }\n',
      'app/lib/helper.mjs': 'export function helper() {\n  return {a: 1,, b: 2};\n}\n',
    });
    expect(await check('syntax.mjs', { exportName: 'ok' })).toBe(
      `bundle ${join(dir, 'syntax.mjs')} does not load: ${join(dir, 'syntax.mjs')}:4:13: SyntaxError: Unexpected number`,
    );
    expect(await check('app', { exportName: 'run' })).toBe(
      `bundle ${join(dir, 'app')} does not load: ${join(dir, 'app', 'lib', 'helper.mjs')}:2:16: SyntaxError: Unexpected token ','`,
    );
  });

  it('a single-file bundle that imports a package says to pass its directory, naming the entry; the directory passes', async () => {
    await files({
      ...LEFTPAD,
      'job.mjs': 'import pad from "leftpadx";\nexport function padded(task) { return pad(String(task.index)); }\n',
    });
    // The package resolves next to the file on this machine, but the single file travels alone.
    expect(await check('job.mjs', { exportName: 'padded' })).toBe(
      `${join(dir, 'job.mjs')} imports the package "leftpadx", which a single-file bundle does not carry: pass the directory ${dir} as the bundle instead, naming the module with --entry job.mjs`,
    );
    expect(await check('.', { entry: 'job.mjs', exportName: 'padded' })).toBe('ok');
  });

  it('a relative import of a file that a single-file bundle does not carry', async () => {
    await files({
      'lib/util.mjs': 'export const u = 1;\n',
      'lib/job.mjs': 'import { u } from "./util.mjs";\nexport function f() { return u; }\n',
    });
    expect(await check('lib/job.mjs', { exportName: 'f' })).toBe(
      `${join(dir, 'lib', 'job.mjs')} imports ${join(dir, 'lib', 'util.mjs')}, which a single-file bundle does not carry: pass the directory holding both as the bundle instead, naming the module with --entry job.mjs`,
    );
    expect(await check('lib', { entry: 'job.mjs', exportName: 'f' })).toBe('ok');
  });

  it('a directory bundle resolves from itself: a package only in a parent node_modules (a monorepo root) is missing where it runs', async () => {
    await files({ ...LEFTPAD, 'packages/job/index.mjs': 'import pad from "leftpadx";\nexport function padded() { return pad("x"); }\n' });
    expect(await check('packages/job', { exportName: 'padded' })).toBe(
      `${join(dir, 'packages', 'job', 'index.mjs')} imports the package "leftpadx", which bundle ${join(dir, 'packages', 'job')} does not hold in its node_modules: install it there (npm install leftpadx in ${join(dir, 'packages', 'job')})`,
    );
  });

  it('the export -c names, and main: missing ones are named with the fix; imports of names a module lacks are found too', async () => {
    await files({
      'tasks.mjs': 'export function square(task) { return task.index ** 2; }\nexport const notAFunction = 3;\n',
      'prog/index.mjs': 'import { nope } from "./util.mjs";\nexport default async function main() { return nope; }\n',
      'prog/util.mjs': 'export const yes = 1;\n',
    });
    expect(await check('tasks.mjs', { exportName: 'square' })).toBe('ok');
    expect(await check('tasks.mjs', { exportName: 'sqaure' })).toBe(
      `${join(dir, 'tasks.mjs')} has no export named "sqaure" (-c sqaure): add \`export function sqaure(task) { ... }\`, or give -c an export it has`,
    );
    expect(await check('tasks.mjs', { exportName: 'default', exportRole: 'main' })).toBe(
      `${join(dir, 'tasks.mjs')} has no default export, so it is not a program: add \`export default async function main(ctx) { ... }\`, or name the export holding main with -c`,
    );
    expect(await check('prog', { exportName: 'default', exportRole: 'main' })).toBe(
      `bundle ${join(dir, 'prog')} does not load: ${join(dir, 'prog', 'index.mjs')}:1:10: SyntaxError: The requested module './util.mjs' does not provide an export named 'nope'`,
    );
  });

  it('never runs the bundle: neither its top-level code nor that of a CommonJS package it imports', async () => {
    const marks = [join(dir, 'ran-module'), join(dir, 'ran-package')];
    await files({
      'app/node_modules/sidefx/package.json': '{"name":"sidefx","main":"index.js"}',
      'app/node_modules/sidefx/index.js': `require("node:fs").writeFileSync(${JSON.stringify(marks[1])}, "x");\nexports.value = 1;\n`,
      'app/index.mjs': `import { writeFileSync } from "node:fs";\nimport { value } from "sidefx";\nwriteFileSync(${JSON.stringify(marks[0])}, "x");\nawait new Promise((r) => setTimeout(r, 60000));\nexport function task() { return value; }\n`,
    });
    expect(await check('app', { exportName: 'task' })).toBe('ok');
    expect(marks.filter((m) => existsSync(m))).toEqual([]);
  });

  it('a plain .js file is checked as the ES module a TaskExecutor loads it as, whatever package.json sits above it', async () => {
    await files({ 'package.json': '{"type":"commonjs"}', 'job.js': 'export function run() { return 1; }\n' });
    expect(await check('job.js', { exportName: 'run' })).toBe('ok');
  });
});
