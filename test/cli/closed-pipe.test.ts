import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** `loom ... | head` closes the pipe early: the commands end quietly, not with an EPIPE stack trace. */
const bins = ['loom.js', 'yarn-session.js'].map((b) => fileURLToPath(new URL(`../../bin/${b}`, import.meta.url)));

function runWithClosedStdout(bin: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the command writes anything
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('a closed stdout pipe', () => {
  for (const bin of bins) {
    it(`ends ${bin.split('/').at(-1)} quietly with exit code 0`, async () => {
      const { code, stderr } = await runWithClosedStdout(bin);
      expect(stderr).not.toContain('EPIPE');
      expect(code).toBe(0);
    });
  }
});
