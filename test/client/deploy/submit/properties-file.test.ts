import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newClusterSecret, parseClusterSecret } from '../../../../client/contracts/cluster-secret.js';
import {
  readSessionProperties,
  removeSessionProperties,
  sessionPropertiesPath,
  writeSessionProperties,
} from '../../../../client/deploy/submit/properties-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-props-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('session properties file', () => {
  it('is named after the user in the configured dir, or the temp dir', () => {
    expect(sessionPropertiesPath('alice', dir)).toBe(join(dir, '.loom-session-alice'));
    expect(sessionPropertiesPath('bob')).toBe(join(tmpdir(), '.loom-session-bob'));
  });

  it('round-trips with mode 600 and is replaced atomically', async () => {
    const path = sessionPropertiesPath('alice', dir);
    const secret = newClusterSecret();
    await writeSessionProperties(path, { applicationId: 'application_1_0001', secret });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readSessionProperties(path)).toEqual({ applicationId: 'application_1_0001', secret });
    await writeSessionProperties(path, { applicationId: 'application_1_0002', secret });
    expect((await readSessionProperties(path))?.applicationId).toBe('application_1_0002');
    expect(await readFile(path, 'utf8')).toContain('applicationID=application_1_0002\n');
  });

  it('is undefined when missing, refused when others can read it or it is garbled', async () => {
    const path = sessionPropertiesPath('alice', dir);
    expect(await readSessionProperties(path)).toBeUndefined();
    await writeSessionProperties(path, { applicationId: 'application_1_0001', secret: newClusterSecret() });
    await chmod(path, 0o644);
    await expect(readSessionProperties(path)).rejects.toThrow(/chmod 600/);
    await writeFile(path, 'applicationID=application_1_0001\n', { mode: 0o600 });
    await chmod(path, 0o600);
    await expect(readSessionProperties(path)).rejects.toThrow(/lacks applicationID or secret/);
    await writeFile(path, 'applicationID=application_1_0001\nsecret=a b\n');
    await expect(readSessionProperties(path)).rejects.toThrow(/does not hold a Loom cluster secret/);
  });

  it('is removed only while it still names the application', async () => {
    const path = sessionPropertiesPath('alice', dir);
    await writeSessionProperties(path, { applicationId: 'application_1_0002', secret: newClusterSecret() });
    await removeSessionProperties(path, 'application_1_0001');
    expect(await readSessionProperties(path)).toBeDefined();
    await removeSessionProperties(path, 'application_1_0002');
    expect(await readSessionProperties(path)).toBeUndefined();
  });
});

describe('cluster secret', () => {
  it('is 256 random bits, header-safe, and different each time', () => {
    const a = newClusterSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newClusterSecret()).not.toBe(a);
    expect(parseClusterSecret(`${a}\n`, 'f')).toBe(a);
    expect(() => parseClusterSecret('', 'the file x')).toThrow(/the file x does not hold/);
  });
});
