// Loom's processes under Hadoop's default memory checks: the mini cluster's NodeManager kills a
// container whose process tree's virtual memory exceeds 2.1 x its memory (-103), as a stock
// 3.3.6 NodeManager does. A session with Loom's default sizes runs a job; the memory monitor's
// peak VmSize of every process in the AM's and the TaskExecutor's containers is printed.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { LoomOptions } from '../../client/conf/loom-config-options.js';
import { vmemLimitBytes, type ContainerMemoryPeaks } from '../../minicluster/nodemanager/memory-monitor.js';
import { applicationIdIn, startSessionKit, type SessionKit } from './session-kit.js';

const JOBS = join(import.meta.dirname, 'jobs', 'test-jobs.mjs');
const MiB = 1024 * 1024;

let kit: SessionKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

function describePeaks(role: string, p: ContainerMemoryPeaks, limitBytes: number): string {
  const lines = [
    `${role} ${p.containerId}: peak tree VmSize ${(p.treeVmemBytes / MiB).toFixed(0)} MiB of ${(limitBytes / MiB).toFixed(0)} MiB allowed, RSS ${(p.treeRssBytes / MiB).toFixed(0)} MiB (${p.samples} samples)`,
  ];
  for (const proc of p.processes)
    lines.push(
      `  ${proc.name} (pid ${proc.pid}): VmSize ${(proc.vmemBytes / MiB).toFixed(0)} MiB, RSS ${(proc.rssBytes / MiB).toFixed(0)} MiB`,
    );
  return lines.join('\n');
}

describe("Loom under YARN's virtual memory check", () => {
  it('runs an AM and a TaskExecutor of default size through a job without a -103, each tree under 2.1 x its memory', async () => {
    const amMb = LoomOptions.jobManagerMemory.defaultValue.mebibytes;
    const teMb = LoomOptions.taskManagerMemory.defaultValue.mebibytes;
    kit = await startSessionKit({
      nodes: 1,
      loomConf: {
        'jobmanager.memory.process.size': LoomOptions.jobManagerMemory.defaultText!,
        'taskmanager.memory.process.size': LoomOptions.taskManagerMemory.defaultText!,
        'taskmanager.numberOfTaskSlots': String(LoomOptions.taskSlots.defaultValue),
      },
      // Sampled often so the short job is seen; the check itself is Hadoop's default.
      cluster: { yarnSite: { 'yarn.nodemanager.container-monitor.interval-ms': '200' } },
    });
    expect(kit.hadoopConf.get('yarn.nodemanager.vmem-check-enabled')).toBe('true');
    const ratio = Number(kit.hadoopConf.get('yarn.nodemanager.vmem-pmem-ratio'));
    expect(ratio).toBe(2.1);

    const started = await kit.loom(['yarn-session', '-d']);
    expect(started.code, started.stderr).toBe(0);
    const appId = applicationIdIn(started.stdout);
    const run = await kit.loom(['run', '-c', 'slow', '-p', '1', JOBS, '2000']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject([{ sleptMs: 2000 }]);

    const nm = kit.cluster.nodes[0];
    const prefix = appId.replace('application_', 'container_') + '_';
    const containers = nm.containerStates().filter((c) => c.id.startsWith(prefix));
    expect(containers.map((c) => c.exitStatus)).not.toContain(-103);
    expect(containers).toHaveLength(2);
    const [am, te] = [...containers].sort((a, b) => a.id.localeCompare(b.id));
    const report: string[] = [];
    for (const [role, c, mb] of [
      ['AM', am, amMb],
      ['TaskExecutor', te, teMb],
    ] as const) {
      expect(c.state, `${role} ${c.id}: ${c.diagnostics}`).not.toBe('DONE');
      const peaks = nm.memoryPeaks(c.id)!;
      const limit = vmemLimitBytes(mb * MiB, ratio);
      report.push(describePeaks(role, peaks, limit));
      expect(peaks.samples).toBeGreaterThan(1);
      expect(peaks.processes.some((p) => p.name === 'node' || p.name === 'loom-node')).toBe(true);
      expect(peaks.treeVmemBytes).toBeLessThan(limit);
    }
    console.log(`Peak virtual memory under the vmem check (ratio ${ratio}):\n${report.join('\n')}`);
  });
});
