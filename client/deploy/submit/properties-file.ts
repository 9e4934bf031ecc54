/**
 * The session properties file: how `loom run`, `loom list` and `yarn-session -id` find the
 * session started last, and its secret. Like Flink's `.yarn-properties-<user>`, it lives in the
 * directory `yarn.properties-file.location` (default: the OS temp dir) and is named
 * `.loom-session-<user>`; it is written with mode 600 because it holds the cluster secret.
 */
import { LoomError } from '../../errors/loom-error.js';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { lstat, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '../../conf/configuration-error.js';
import { parseClusterSecret } from '../../contracts/cluster-secret.js';

export interface SessionProperties {
  applicationId: string;
  secret: string;
}

export class PropertiesFileError extends LoomError {
  static override readonly code: string = 'PROPERTIES_FILE_INVALID';
  override name = 'PropertiesFileError';
}

/** Where the properties file of `user` is: `<dir>/.loom-session-<user>`, dir from yarn.properties-file.location. */
export function sessionPropertiesPath(user: string, location?: string): string {
  return join(location && location.trim() !== '' ? location.trim() : tmpdir(), `.loom-session-${user}`);
}

/**
 * A yarn.properties-file.location that is set must name an existing directory: otherwise a
 * session would start and then fail to record itself, and later commands would say there is no
 * session. `origin` says where the setting came from (-D, loom.yaml:3).
 */
export function checkPropertiesFileLocation(location: string | undefined, origin: string | undefined): void {
  if (location === undefined || location.trim() === '') return;
  const dir = location.trim();
  const what = `yarn.properties-file.location=${dir}${origin ? ` (from ${origin})` : ''}`;
  const fix = `create that directory, or remove the setting to keep the session file in ${tmpdir()}`;
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigurationError(
      `${what} ${code === 'ENOENT' ? 'does not exist' : `cannot be used (${code ?? (err as Error).message})`}: ${fix}`,
      'yarn.properties-file.location',
    );
  }
  if (!isDirectory) throw new ConfigurationError(`${what} is not a directory: ${fix}`, 'yarn.properties-file.location');
}

/** Writes the file atomically (temp name, then rename), owner-only from the first byte. */
export async function writeSessionProperties(path: string, props: SessionProperties): Promise<void> {
  const text =
    `# Loom session started ${new Date().toISOString()}; holds the cluster secret: keep it private.\n` +
    `applicationID=${props.applicationId}\nsecret=${props.secret}\n`;
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, { mode: 0o600, flag: 'wx' });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw new PropertiesFileError(`cannot write the session properties file ${path}: ${(err as Error).message}`);
  }
}

/** The recorded session, or undefined when there is no file. Refuses a file others can read or write. */
export async function readSessionProperties(path: string): Promise<SessionProperties | undefined> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (!st.isFile()) throw new PropertiesFileError(`${path} is not a regular file; remove it`);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new PropertiesFileError(`${path} belongs to another user; remove it or set yarn.properties-file.location`);
  }
  if ((st.mode & 0o077) !== 0) {
    throw new PropertiesFileError(`${path} is readable by others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 ${path}`);
  }
  const values = new Map<string, string>();
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq > 0) values.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim());
  }
  const applicationId = values.get('applicationID');
  const secret = values.get('secret');
  if (!applicationId || !secret)
    throw new PropertiesFileError(`${path} lacks applicationID or secret; remove it and attach with -id <applicationId>`);
  return { applicationId, secret: parseClusterSecret(secret, path) };
}

/** Removes the file if it still names `applicationId` (a newer session's file stays). */
export async function removeSessionProperties(path: string, applicationId: string): Promise<void> {
  const current = await readSessionProperties(path).catch(() => undefined);
  if (current?.applicationId === applicationId) await rm(path, { force: true });
}
