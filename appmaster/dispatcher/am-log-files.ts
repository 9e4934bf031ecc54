/**
 * The AM container's own log files for GET /jobmanager/logs (Flink's route names): the files in
 * the first LOG_DIRS directory the NodeManager gave the AM container (appmaster.stdout and
 * appmaster.stderr, where the launch command sends the AM's output), listed and read from the
 * end, the way the NodeManager's container log page offers `?start=-4096`.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AmLogListJson } from '../../client/contracts/dispatcher-rest-types.js';
import { HttpError } from './http-error.js';

/** Most a single read returns (the end of the file); the default is a quarter of it. */
export const AM_LOG_TAIL_MAX_BYTES = 1024 * 1024;
export const AM_LOG_TAIL_DEFAULT_BYTES = 256 * 1024;

export async function listAmLogs(dir: string | undefined): Promise<AmLogListJson> {
  if (dir === undefined) return { logs: [] };
  const names = await readdir(dir).catch(() => [] as string[]);
  const logs: AmLogListJson['logs'] = [];
  for (const name of names.sort()) {
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (s?.isFile()) logs.push({ name, size: s.size, mtime: s.mtimeMs });
  }
  return { logs };
}

/** The last `bytes` of the file `name` in `dir` (only a file the listing names: no paths), cut at a line start when cut at all. */
export async function tailAmLog(
  dir: string | undefined,
  name: string,
  bytes: number,
): Promise<{ text: string; size: number; from: number }> {
  const { logs } = await listAmLogs(dir);
  const file = logs.find((l) => l.name === name);
  if (dir === undefined || !file)
    throw new HttpError(404, [
      dir === undefined
        ? 'this ApplicationMaster has no log directory (LOG_DIRS is unset: it was not started by a NodeManager)'
        : `no log file ${name}; GET /jobmanager/logs lists them: ${logs.map((l) => l.name).join(', ') || '(none)'}`,
    ]);
  const handle = await open(join(dir, name), 'r');
  try {
    const { size } = await handle.stat();
    const from = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - from);
    const { bytesRead } = await handle.read(buf, 0, buf.length, from);
    let text = buf.subarray(0, bytesRead).toString('utf8');
    if (from > 0) text = text.slice(text.indexOf('\n') + 1);
    return { text, size, from };
  } finally {
    await handle.close();
  }
}

/** The `bytes` query parameter: 1 to AM_LOG_TAIL_MAX_BYTES, default AM_LOG_TAIL_DEFAULT_BYTES. */
export function tailBytesParam(value: string | null): number {
  if (value === null) return AM_LOG_TAIL_DEFAULT_BYTES;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > AM_LOG_TAIL_MAX_BYTES)
    throw new HttpError(400, [
      `bytes=${value} is not a whole number from 1 to ${AM_LOG_TAIL_MAX_BYTES}; it is how much of the log's end to read`,
    ]);
  return n;
}
