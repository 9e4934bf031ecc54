// The NodeManager's memory check over each container's process tree (ContainersMonitorImpl):
// every interval, physical memory (RSS) and virtual memory of the whole tree against the limits;
// over the limit -> kill with -104 (physical) or -103 (virtual) and Hadoop's message. It also keeps
// each container's peak usage per process, so tests can show what Loom's processes reserve.

import { ContainerExitStatus } from '../../client/hadoop/yarn/container-exit-status.js';
import type { KillReason } from './container-kill-reasons.js';
import { type ProcessInfo, processTreeDump, readProcessTree, rssBytes, vmemBytes } from './process-tree.js';

export interface MemoryMonitorOptions {
  /** yarn.nodemanager.container-monitor.interval-ms (default 3000). */
  intervalMs?: number;
  /** yarn.nodemanager.pmem-check-enabled (default true). */
  pmemCheckEnabled?: boolean;
  /** yarn.nodemanager.vmem-check-enabled (default true in yarn-default.xml). */
  vmemCheckEnabled?: boolean;
  /** yarn.nodemanager.vmem-pmem-ratio (default 2.1). */
  vmemPmemRatio?: number;
}

export interface MonitoredContainer {
  containerId: string;
  /** Pid of the container's session leader, once known. */
  pid(): number | undefined;
  /** Physical memory allocated to the container, in bytes. */
  pmemLimitBytes: number;
  kill(reason: KillReason): void;
}

/** The largest usage one monitoring round saw, per process and for the whole tree. */
export interface ContainerMemoryPeaks {
  containerId: string;
  /** Monitoring rounds that read the tree. */
  samples: number;
  treeVmemBytes: number;
  treeRssBytes: number;
  processes: { pid: number; name: string; cmdline: string; vmemBytes: number; rssBytes: number }[];
}

/** Peaks of this many finished containers are kept (a long-running mini cluster must not grow without end). */
const KEPT_PEAKS = 1000;

/**
 * The limit ContainerImpl gives the monitor: (long) (ratio * pmem) with Hadoop's float ratio, so
 * 1 GiB at 2.1 is 2254857728 bytes, not 2254857830.
 */
export function vmemLimitBytes(pmemLimitBytes: number, ratio: number): number {
  return Math.trunc(Math.fround(Math.fround(ratio) * Math.fround(pmemLimitBytes)));
}

const PREFIXES = ['K', 'M', 'G', 'T', 'P', 'E'];

/** Hadoop's TraditionalBinaryPrefix.long2String(n, "", 1): "512 M", "1.5 G", "100". */
export function binaryPrefixString(n: number): string {
  if (n < 1024) return String(n);
  let i = 0;
  while (i + 1 < PREFIXES.length && n >= 1024 ** (i + 2)) i++;
  const unit = 1024 ** (i + 1);
  if (n % unit === 0) return `${n / unit} ${PREFIXES[i]}`;
  let s = (n / unit).toFixed(1);
  if (s.startsWith('1024') && i + 1 < PREFIXES.length) {
    i++;
    s = (n / 1024 ** (i + 1)).toFixed(1);
  }
  return `${s} ${PREFIXES[i]}`;
}

export function memoryLimitMessage(
  kind: 'PHYSICAL' | 'VIRTUAL',
  pid: number,
  containerId: string,
  tree: readonly ProcessInfo[],
  pmemLimit: number,
  vmemLimit: number,
): string {
  const pmem = rssBytes(tree);
  const vmem = vmemBytes(tree);
  const over = kind === 'PHYSICAL' ? pmem - pmemLimit : vmem - vmemLimit;
  return (
    `Container [pid=${pid},containerID=${containerId}] is running ${over}B beyond the '${kind}' memory limit. ` +
    `Current usage: ${binaryPrefixString(pmem)}B of ${binaryPrefixString(pmemLimit)}B physical memory used; ` +
    `${binaryPrefixString(vmem)}B of ${binaryPrefixString(vmemLimit)}B virtual memory used. Killing container.\n` +
    `Dump of the process-tree for ${containerId} :\n${processTreeDump(tree)}`
  );
}

export class MemoryMonitor {
  private readonly containers = new Map<string, { c: MonitoredContainer; previousPids: Set<number> }>();
  private readonly peaks = new Map<string, ContainerMemoryPeaks>();
  private readonly timer: NodeJS.Timeout;
  private readonly opts: Required<MemoryMonitorOptions>;

  constructor(options: MemoryMonitorOptions = {}) {
    this.opts = { intervalMs: 3000, pmemCheckEnabled: true, vmemCheckEnabled: true, vmemPmemRatio: 2.1, ...options };
    this.timer = setInterval(() => this.checkAll(), this.opts.intervalMs);
    this.timer.unref();
  }

  watch(c: MonitoredContainer): void {
    this.containers.set(c.containerId, { c, previousPids: new Set() });
    this.peaks.delete(c.containerId);
    this.peaks.set(c.containerId, { containerId: c.containerId, samples: 0, treeVmemBytes: 0, treeRssBytes: 0, processes: [] });
    if (this.peaks.size > KEPT_PEAKS) {
      const oldest = this.peaks.keys().next();
      if (!oldest.done) this.peaks.delete(oldest.value);
    }
  }

  /** Peak usage seen for a container (running or ended), undefined for one never watched. */
  peakUsage(containerId: string): ContainerMemoryPeaks | undefined {
    const p = this.peaks.get(containerId);
    return p && { ...p, processes: p.processes.map((q) => ({ ...q })) };
  }

  unwatch(containerId: string): void {
    this.containers.delete(containerId);
  }

  stop(): void {
    clearInterval(this.timer);
    this.containers.clear();
  }

  /** One monitoring round; public so a caller can force a check. */
  checkAll(): void {
    for (const [id, entry] of this.containers) {
      const pid = entry.c.pid();
      if (pid === undefined) continue;
      let tree: ProcessInfo[];
      try {
        tree = readProcessTree(pid);
      } catch {
        continue; // /proc unreadable for a moment: try again next round
      }
      if (tree.length === 0) continue;
      this.recordPeaks(id, tree);
      const verdict = this.overLimit(entry, tree);
      entry.previousPids = new Set(tree.map((p) => p.pid));
      if (!verdict) continue;
      this.containers.delete(id);
      const vmemLimit = vmemLimitBytes(entry.c.pmemLimitBytes, this.opts.vmemPmemRatio);
      entry.c.kill({
        exitStatus: verdict === 'PHYSICAL' ? ContainerExitStatus.KILLED_EXCEEDED_PMEM : ContainerExitStatus.KILLED_EXCEEDED_VMEM,
        diagnostics: memoryLimitMessage(verdict, pid, id, tree, entry.c.pmemLimitBytes, vmemLimit),
      });
    }
  }

  /**
   * Hadoop's rule: over the limit when the whole tree uses more than twice the limit, or the
   * processes already seen in the previous round ("aged") use more than the limit.
   */
  private overLimit(entry: { c: MonitoredContainer; previousPids: Set<number> }, tree: ProcessInfo[]): 'PHYSICAL' | 'VIRTUAL' | undefined {
    const aged = tree.filter((p) => entry.previousPids.has(p.pid));
    const pmemLimit = entry.c.pmemLimitBytes;
    const vmemLimit = vmemLimitBytes(pmemLimit, this.opts.vmemPmemRatio);
    const over = (total: number, agedTotal: number, limit: number): boolean => total > 2 * limit || agedTotal > limit;
    if (this.opts.vmemCheckEnabled && over(vmemBytes(tree), vmemBytes(aged), vmemLimit)) return 'VIRTUAL';
    if (this.opts.pmemCheckEnabled && over(rssBytes(tree), rssBytes(aged), pmemLimit)) return 'PHYSICAL';
    return undefined;
  }

  private recordPeaks(containerId: string, tree: readonly ProcessInfo[]): void {
    const p = this.peaks.get(containerId);
    if (!p) return;
    p.samples++;
    p.treeVmemBytes = Math.max(p.treeVmemBytes, vmemBytes(tree));
    p.treeRssBytes = Math.max(p.treeRssBytes, rssBytes(tree));
    for (const proc of tree) {
      const rss = rssBytes([proc]);
      const known = p.processes.find((q) => q.pid === proc.pid);
      if (!known) p.processes.push({ pid: proc.pid, name: proc.name, cmdline: proc.cmdline, vmemBytes: proc.vmemBytes, rssBytes: rss });
      else {
        // bash exec()s node: the pid stays, the name and command line change.
        if (proc.vmemBytes >= known.vmemBytes) Object.assign(known, { name: proc.name, cmdline: proc.cmdline });
        known.vmemBytes = Math.max(known.vmemBytes, proc.vmemBytes);
        known.rssBytes = Math.max(known.rssBytes, rss);
      }
    }
  }
}
