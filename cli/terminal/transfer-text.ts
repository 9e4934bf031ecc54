/**
 * The words of transfer progress, one format for the live line on a terminal and the plain lines
 * in a log, so both read the same:
 *
 *   uploading big.bin: 5.0 MiB of 12.0 MiB (41%), 3.2 MiB/s, 2 s left
 *   uploading big.bin: 5.0 MiB of 12.0 MiB (41%), 0.0 MiB/s, stalled
 *   uploading -: 5.0 MiB, 3.2 MiB/s                      (size unknown: standard input)
 *   uploaded big.bin: 12.0 MiB in 0.8 s (15.0 MiB/s)     (the end of a file of 1 MiB or more)
 *
 * Sizes and rates in binary units (KiB, MiB, GiB), as `hdfs dfs -du -h` counts them.
 */

import type { TransferDirection } from '../../client/deploy/transfer-progress-sink.js';

const VERBS: Record<TransferDirection, { going: string; done: string }> = {
  upload: { going: 'uploading', done: 'uploaded' },
  download: { going: 'downloading', done: 'downloaded' },
  copy: { going: 'copying', done: 'copied' },
};

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

/** `512 B`, `12.5 KiB`, `3.0 MiB`, `1.25 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < KIB) return `${bytes} B`;
  if (bytes < MIB) return `${(bytes / KIB).toFixed(1)} KiB`;
  if (bytes < GIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  return `${(bytes / GIB).toFixed(2)} GiB`;
}

/** Always MiB/s, so lines compare at a glance: `15.0 MiB/s`, `0.3 MiB/s`. */
export function formatRate(bytesPerSecond: number): string {
  return `${(bytesPerSecond / MIB).toFixed(1)} MiB/s`;
}

/** A time left: `2 s`, `1 min 05 s`, `2 h 03 min`. */
export function formatSecondsLeft(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** A duration taken: `0.8 s`, `42.0 s`, then as a time left. */
export function formatElapsed(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : formatSecondsLeft(ms / 1000);
}

export interface TransferState {
  direction: TransferDirection;
  /** The file's name as a person knows it (its base name). */
  name: string;
  doneBytes: number;
  totalBytes: number | undefined;
  /** Bytes per second over the recent window; undefined just after the start. */
  rate: number | undefined;
  /** Seconds left; Infinity when stalled, undefined when unknown. */
  secondsLeft: number | undefined;
}

/** The line of a transfer under way (live on a terminal, every 10 s in a log). */
export function transferLine(t: TransferState): string {
  const size =
    t.totalBytes === undefined
      ? formatBytes(t.doneBytes)
      : `${formatBytes(t.doneBytes)} of ${formatBytes(t.totalBytes)} (${percent(t.doneBytes, t.totalBytes)}%)`;
  const parts = [`${VERBS[t.direction].going} ${t.name}: ${size}`];
  if (t.rate !== undefined) parts.push(formatRate(t.rate));
  if (t.secondsLeft === Infinity) parts.push('stalled');
  else if (t.secondsLeft !== undefined) parts.push(`${formatSecondsLeft(t.secondsLeft)} left`);
  return parts.join(', ');
}

/** The line at the end of a transfer: `uploaded big.bin: 12.0 MiB in 0.8 s (15.0 MiB/s)`. */
export function transferEndLine(direction: TransferDirection, name: string, bytes: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? ` (${formatRate((bytes * 1000) / elapsedMs)})` : '';
  return `${VERBS[direction].done} ${name}: ${formatBytes(bytes)} in ${formatElapsed(elapsedMs)}${rate}`;
}

function percent(done: number, total: number): number {
  return total === 0 ? 100 : Math.min(100, Math.floor((done / total) * 100));
}
