/** One line redrawn in place on a terminal while -put sends a file: percentage, MiB, file name. */
import { basename } from 'node:path';
import type { Writable } from 'node:stream';

export function progressBar(out: Writable): { update: (sent: number, total: number, name: string) => void; done: () => void } {
  let last = '';
  return {
    update(sent, total, name) {
      const pct = total === 0 ? 100 : Math.min(100, Math.floor((sent / total) * 100));
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      const line = `${bar} ${String(pct).padStart(3)}% ${mib(sent)}/${mib(total)} ${basename(name)}`;
      if (line !== last) out.write(`\r${line}\x1b[K`);
      last = line;
    },
    done() {
      if (last) out.write('\n');
      last = '';
    },
  };
}

function mib(n: number): string {
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}
