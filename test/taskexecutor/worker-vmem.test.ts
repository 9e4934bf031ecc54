import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { heapMbForContainer } from '../../client/contracts/am-container-contract.js';

/**
 * YARN's virtual memory check (yarn.nodemanager.vmem-check-enabled, on by default) kills a
 * container whose process tree reserves more than 2.1 x its memory. Node's worker threads reserve
 * about 500 MiB each for their code range unless limited, so a 1 GiB TaskExecutor with 2 slots
 * would die on a stock Hadoop cluster. This runs the TaskExecutor's worker limits in a fresh
 * process, with the environment Loom gives containers, and reads /proc/self/status.
 */
const containerContract = fileURLToPath(new URL('../../dist/client/contracts/am-container-contract.js', import.meta.url));

function vmSizeWithWorkers(slots: number, containerMb: number): { idleMb: number; busyMb: number } {
  const script = `
    import { Worker } from 'node:worker_threads';
    import { readFileSync } from 'node:fs';
    const { workerThreadLimits } = await import(${JSON.stringify(containerContract)});
    const vm = () => Number(/VmSize:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
    const idleMb = vm();
    const limits = workerThreadLimits(${heapMbForContainer(containerMb)}, ${slots});
    const workers = [];
    for (let i = 0; i < ${slots}; i++) workers.push(new Worker('setTimeout(() => {}, 5000)', { eval: true, resourceLimits: limits }));
    await Promise.all(workers.map((w) => new Promise((r) => w.once('online', r))));
    const busyMb = vm();
    for (const w of workers) await w.terminate();
    console.log(JSON.stringify({ idleMb, busyMb }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', MALLOC_ARENA_MAX: '4' },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

describe("TaskExecutor worker threads under YARN's virtual memory check", () => {
  it('keeps a 1 GiB TaskExecutor with 4 busy slots under 2.1 x its memory', () => {
    const { idleMb, busyMb } = vmSizeWithWorkers(4, 1024);
    expect((busyMb - idleMb) / 4).toBeLessThan(200);
    expect(busyMb).toBeLessThan(2.1 * 1024);
  });
});
