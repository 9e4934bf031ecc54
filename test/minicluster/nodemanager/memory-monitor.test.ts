import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryMonitor, vmemLimitBytes } from '../../../minicluster/nodemanager/memory-monitor.js';
import { waitFor } from '../mini-cluster-kit.js';

let monitor: MemoryMonitor | undefined;
let child: ChildProcess | undefined;
afterEach(() => {
  monitor?.stop();
  child?.kill('SIGKILL');
  monitor = child = undefined;
});

describe('memory monitor', () => {
  it('computes the virtual limit as ContainerImpl does: (long) (2.1f * pmem bytes)', () => {
    expect(vmemLimitBytes(1024 * 1024 * 1024, 2.1)).toBe(2254857728);
    expect(vmemLimitBytes(128 * 1024 * 1024, 2.1)).toBe(281857216);
    expect(vmemLimitBytes(512 * 1024 * 1024, 1)).toBe(512 * 1024 * 1024);
  });

  it('keeps the peak VmSize and RSS of each process of a watched tree, also after unwatch', async () => {
    child = spawn('/bin/bash', ['-c', 'sleep 30 & wait'], { detached: true, stdio: 'ignore' });
    await new Promise((r) => child!.once('spawn', r));
    // Sample only once bash's child has exec'd sleep: a fork caught before its exec is a second
    // bash, and the monitor keeps the name of a process's largest image.
    const sleeping = (): boolean => {
      try {
        const kids = readFileSync(`/proc/${child!.pid}/task/${child!.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
        return kids.some((k) => readFileSync(`/proc/${k}/comm`, 'utf8').trim() === 'sleep');
      } catch {
        return false;
      }
    };
    await waitFor(sleeping, "bash's child to exec sleep", 15_000, 20);
    const m = (monitor = new MemoryMonitor({ intervalMs: 60_000 }));
    m.watch({ containerId: 'container_1_0001_01_000001', pid: () => child!.pid, pmemLimitBytes: 64 * 1024 * 1024, kill: () => {} });
    expect(m.peakUsage('container_1_0001_01_000001')).toMatchObject({ samples: 0, processes: [] });
    // Sample (by hand: the interval is a minute) until both processes of the tree were seen.
    await waitFor(
      () => {
        m.checkAll();
        return m.peakUsage('container_1_0001_01_000001')!.processes.length >= 2;
      },
      'a sample with both processes of the tree',
      15_000,
      20,
    );
    m.unwatch('container_1_0001_01_000001');
    const peaks = monitor.peakUsage('container_1_0001_01_000001')!;
    expect(peaks.samples).toBeGreaterThan(0);
    expect(peaks.processes.map((p) => p.name).sort()).toEqual(['bash', 'sleep']);
    for (const p of peaks.processes) expect(p.vmemBytes).toBeGreaterThan(p.rssBytes);
    expect(peaks.treeVmemBytes).toBeGreaterThanOrEqual(Math.max(...peaks.processes.map((p) => p.vmemBytes)));
    expect(monitor.peakUsage('container_never_watched')).toBeUndefined();
  });
});
