import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The README's quick start, run literally: the shell block between the quick-start markers, from
 * the repository root, with only the mini cluster's dir (/tmp/mc) moved to a temp dir so runs do
 * not meet. A README that names a file it never creates, or a command that does not exist,
 * fails here.
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const loomBin = join(repoRoot, 'bin', 'loom.js');

function quickStartScript(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = /<!-- quick-start:begin -->\n```sh\n([\s\S]*?)```\n<!-- quick-start:end -->/.exec(readme);
  if (!section) throw new Error('README.md has no ```sh block between <!-- quick-start:begin --> and <!-- quick-start:end -->');
  return section[1];
}

let scratch: string | undefined;

afterEach(() => {
  if (!scratch) return;
  // The script ends with --stop; after a failure the mini cluster (and its containers) may still run.
  if (existsSync(join(scratch, 'mc', 'minicluster.pid'))) {
    spawnSync(process.execPath, [loomBin, 'minicluster', '--stop', '--dir', join(scratch, 'mc')], { stdio: 'ignore', timeout: 90_000 });
  }
  rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe("the README's quick start", () => {
  it('runs as written on a mini cluster: session, program, per-job and application mode', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'loom-quick-start-'));
    const script = quickStartScript().replaceAll('/tmp/mc', join(scratch, 'mc'));
    expect(script).toContain('minicluster --stop');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      // TMPDIR: the session's properties file goes there; other tests' sessions must not see it.
      const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
        cwd: repoRoot,
        env: { ...process.env, TMPDIR: scratch },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c, output: out });
      });
    });
    expect(code, output).toBe(0);
    expect(output).toMatch(/Loom session application_\d+_\d+ is running/);
    expect(output).toMatch(/"loom",\s*4/); // the word count's result for input.txt
    expect(output).toContain('Stopped the mini cluster');
  }, 180_000);
});
