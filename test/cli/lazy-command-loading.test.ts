// A `loom yarn ...` or `loom fs ...` call loads only what that command uses: neither gRPC (the AM <->
// TaskExecutor protocol), nor the deployers, nor the AM's, the TaskExecutor's or the mini cluster's
// code (cli/commands.ts imports each command's implementation when it runs). Checked on the modules
// a real `node bin/loom.js` process loads (scripts/record-module-loads.mjs), for tsc's dist/ and,
// when built, for the bundle (dist/bundle/, whose files are mapped back to the modules inside them
// with the metafile scripts/bundle-entry-points.mjs writes), so the bundle keeps the commands lazy.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const RECORDER = join(ROOT, 'scripts', 'record-module-loads.mjs');
const BUNDLE = join(ROOT, 'dist', 'bundle', 'cli', 'loom.js');
const COMPILED = join(ROOT, 'dist', 'cli', 'loom.js');

/** What a yarn or fs command must not load. */
const NOT_FOR_YARN_OR_FS = [
  /node_modules\/@grpc\/grpc-js\//,
  /dist\/client\/contracts\/taskexecutor-protocol\.js$/,
  /dist\/client\/deploy\/submit\/[a-z-]+-deployer\.js$/,
  /dist\/client\/deploy\/submit\/deploy-context\.js$/,
  /dist\/client\/deploy\/bundle\//,
  /dist\/appmaster\//,
  /dist\/taskexecutor\//,
  /dist\/minicluster\/mini-cluster\.js$/,
];

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'loom-lazy-load-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs `node --import recorder <script> <args>` and returns the modules it loaded, as paths relative to the repository. */
async function loadedModules(script: string[], args: string[]): Promise<string[]> {
  const file = join(work, `modules-${String(Date.now())}-${String(Math.random()).slice(2)}.txt`);
  await new Promise<void>((done) => {
    execFile(
      process.execPath,
      ['--import', RECORDER, ...script, ...args],
      // An unreachable ResourceManager (port 1), so a command that gets as far as connecting fails at once.
      { env: { PATH: process.env.PATH, LOOM_RECORD_MODULES: file, HADOOP_CONF_DIR: join(work, 'no-conf') } },
      () => {
        done();
      },
    );
  });
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
  const paths = lines.map((l) => {
    const target = l.slice(4);
    return relative(ROOT, target.startsWith('file:') ? fileURLToPath(target) : target);
  });
  return [...new Set(paths.flatMap(insideBundle))];
}

/** A bundle file stands for the modules it was made from (the metafile's inputs); any other file for itself. */
function insideBundle(path: string): string[] {
  if (!path.startsWith('dist/bundle/')) return [path];
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist', 'bundle', 'meta.json'), 'utf8')) as { cli: Metafile };
  const output = meta.cli.outputs[path] as Metafile['outputs'][string] | undefined;
  return output ? Object.keys(output.inputs) : [path];
}

function forbidden(modules: string[]): string[] {
  return modules.filter((m) => NOT_FOR_YARN_OR_FS.some((re) => re.test(m)));
}

const bundleIsFresh = existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= statSync(COMPILED).mtimeMs;
const builds: [string, string[]][] = [
  [
    'tsc output (dist/cli)',
    ['--input-type=module', '-e', `import(${JSON.stringify(COMPILED)}).then((m) => m.main(process.argv.slice(1)))`],
  ],
];
if (bundleIsFresh) builds.push(['bundle (bin/loom.js with dist/bundle)', [join(ROOT, 'bin', 'loom.js')]]);

describe.each(builds)('a yarn or fs command loads only its own code: %s', (_name, script) => {
  it.each([[['yarn', '--help']], [['yarn', 'application', '-list']], [['fs', '-help']], [['fs', '-ls', '/']]])(
    'loom %j loads neither gRPC, nor a deployer, nor the AM, TaskExecutor or mini cluster',
    async (args) => {
      const modules = await loadedModules(script, args);
      // The command's own module did load (the recorder works), the others did not.
      expect(modules.some((m) => m.includes(`cli/commands/${args[0]}.`))).toBe(true);
      expect(forbidden(modules)).toEqual([]);
    },
    60_000,
  );

  it('the run command, which submits, does load the deployers (the check can fail)', async () => {
    const modules = await loadedModules(script, ['run', '--help']);
    expect(modules.some((m) => m.includes('dist/client/deploy/submit/'))).toBe(true);
  }, 60_000);
});
