// A container's process tree read from /proc, as Hadoop's ProcfsBasedProcessTree sees it.

import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  name: string;
  /** Clock ticks, as Hadoop prints them (its header says MILLIS). */
  utime: number;
  stime: number;
  vmemBytes: number;
  rssPages: number;
  cmdline: string;
}

let pageSize: number | undefined;

/** Bytes per page, from getconf (4096 on x86-64 Linux if getconf is unavailable). */
export function systemPageSize(): number {
  if (pageSize === undefined) {
    try {
      pageSize = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;
    } catch {
      pageSize = 4096;
    }
  }
  return pageSize;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const f = stat.slice(close + 2).split(' ');
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      // the process may be gone between the two reads
    }
    return {
      pid,
      ppid: Number(f[1]),
      pgrp: Number(f[2]),
      session: Number(f[3]),
      name: stat.slice(open + 1, close),
      utime: Number(f[11]),
      stime: Number(f[12]),
      vmemBytes: Number(f[20]),
      rssPages: Number(f[21]),
      cmdline,
    };
  } catch {
    return undefined;
  }
}

/**
 * The root process and everything below it: descendants by parent pid, plus any process still in
 * the root's session (orphans re-parented to init stay part of the container).
 */
export function readProcessTree(rootPid: number): ProcessInfo[] {
  const all: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info) all.push(info);
  }
  const inTree = new Set<number>();
  if (all.some((p) => p.pid === rootPid)) inTree.add(rootPid);
  for (const p of all) if (p.session === rootPid) inTree.add(p.pid);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => inTree.has(p.pid));
}

export function rssBytes(tree: readonly ProcessInfo[]): number {
  return tree.reduce((sum, p) => sum + p.rssPages * systemPageSize(), 0);
}

export function vmemBytes(tree: readonly ProcessInfo[]): number {
  return tree.reduce((sum, p) => sum + p.vmemBytes, 0);
}

/** The dump Hadoop appends to a memory-limit kill message. */
export function processTreeDump(tree: readonly ProcessInfo[]): string {
  let out =
    '\t|- PID PPID PGRPID SESSID CMD_NAME USER_MODE_TIME(MILLIS) SYSTEM_TIME(MILLIS) VMEM_USAGE(BYTES) RSSMEM_USAGE(PAGES) FULL_CMD_LINE\n';
  for (const p of tree) {
    out += `\t|- ${p.pid} ${p.ppid} ${p.pgrp} ${p.session} (${p.name}) ${p.utime} ${p.stime} ${p.vmemBytes} ${p.rssPages} ${p.cmdline}\n`;
  }
  return out;
}
