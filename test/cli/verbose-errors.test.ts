// Errors a command ends with, as real processes print them: one line on stderr, the stack and
// what the line summarises only with --verbose (loom --verbose, a command's own --verbose,
// yarn-session --verbose, LOOM_VERBOSE=1). A bundle is checked before any cluster is asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = (name: string) => fileURLToPath(new URL(`../../bin/${name}`, import.meta.url));
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-verbose-test-'));
  // A configuration naming servers nobody listens on: nothing here may need them.
  await mkdir(join(dir, 'hadoop'));
  await writeFile(
    join(dir, 'hadoop', 'core-site.xml'),
    '<configuration><property><name>fs.defaultFS</name><value>hdfs://127.0.0.1:1</value></property></configuration>\n',
  );
  await writeFile(
    join(dir, 'hadoop', 'yarn-site.xml'),
    '<configuration><property><name>yarn.resourcemanager.address</name><value>127.0.0.1:1</value></property></configuration>\n',
  );
  await mkdir(join(dir, 'loom'));
  await writeFile(join(dir, 'loom', 'loom.yaml'), 'taskmanager.numberOfTaskSlots: 2\n');
  await mkdir(join(dir, 'bad-loom'));
  await writeFile(join(dir, 'bad-loom', 'loom.yaml'), 'a: [1, 2\nb: :\n');
  await writeFile(join(dir, 'syntax.mjs'), 'export function ok(task) {\n  return 1;\n}\nconst x = 1 2;\n');
  await mkdir(join(dir, 'node_modules', 'leftpadx'), { recursive: true });
  await writeFile(join(dir, 'node_modules', 'leftpadx', 'package.json'), '{"name":"leftpadx","type":"module","main":"index.js"}');
  await writeFile(join(dir, 'node_modules', 'leftpadx', 'index.js'), 'export default (s) => "  " + s;\n');
  await writeFile(join(dir, 'job.mjs'), 'import pad from "leftpadx";\nexport function padded(task) { return pad(String(task.index)); }\n');
  const { LOOM_VERBOSE: _ignored, ...rest } = process.env;
  env = {
    ...rest,
    HADOOP_CONF_DIR: join(dir, 'hadoop'),
    LOOM_CONF_DIR: join(dir, 'loom'),
    HADOOP_USER_NAME: 'loomtest',
    LOOM_CACHE_DIR: join(dir, 'cache'),
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(script: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin(script), ...args], {
      cwd: dir,
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const SYNTAX_LINE = 'loom run: bundle syntax.mjs does not load: syntax.mjs:4:13: SyntaxError: Unexpected number';
const FRAME = /^\s+at /m;

describe('errors on the command line', () => {
  it('a bundle that does not parse: one line with file:line:column, before any cluster is asked; no stack', async () => {
    const r = await run('loom.js', ['run', '-c', 'ok', '-p', '2', 'syntax.mjs']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${SYNTAX_LINE}\n`);
  }, 40_000);

  it('a single-file bundle importing a package: one line that says to pass the directory and name the entry', async () => {
    const r = await run('loom.js', ['run', '-c', 'padded', 'job.mjs']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'loom run: job.mjs imports the package "leftpadx", which a single-file bundle does not carry: pass the current directory (.) as the bundle instead, naming the module with --entry job.mjs\n',
    );
  }, 40_000);

  it("--verbose before the command, the command's own --verbose and LOOM_VERBOSE=1 add the stack and what the line summarises", async () => {
    for (const [args, extra] of [
      [['--verbose', 'run', '-c', 'ok', 'syntax.mjs'], {}],
      [['run', '--verbose', '-c', 'ok', 'syntax.mjs'], {}],
      [['run', '-c', 'ok', 'syntax.mjs'], { LOOM_VERBOSE: '1' }],
    ] as const) {
      const r = await run('loom.js', [...args], extra);
      expect(r.code, args.join(' ')).toBe(1);
      const [first, ...more] = r.stderr.trimEnd().split('\n');
      expect(first).toBe(SYNTAX_LINE.replace('loom run: ', 'loom run: BundleError: '));
      expect(more.join('\n')).toMatch(FRAME);
      expect(more.join('\n')).toContain('const x = 1 2;'); // Node's own report, with its caret: the detail
    }
  }, 60_000);

  it('yarn-session: one line, and the stack with --verbose anywhere among its flags', async () => {
    const bad = { LOOM_CONF_DIR: join(dir, 'bad-loom') };
    const plain = await run('yarn-session.js', ['-d'], bad);
    expect(plain.code).toBe(2);
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(plain.stderr).toMatch(/^yarn-session: \S+loom\.yaml:2:1: invalid YAML/);
    const verbose = await run('yarn-session.js', ['-d', '--verbose'], bad);
    expect(verbose.code).toBe(2);
    expect(verbose.stderr).toMatch(/^yarn-session: ConfigurationError: \S+loom\.yaml:2:1: invalid YAML/);
    expect(verbose.stderr).toMatch(FRAME);
  }, 40_000);
});
