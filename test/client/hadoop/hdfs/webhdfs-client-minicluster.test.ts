import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startWebHdfs, type WebHdfsServer } from '../../../../minicluster/webhdfs/webhdfs-server.js';
import { WebHdfsClient } from '../../../../client/hadoop/hdfs/webhdfs-client.js';
import {
  AccessControlError,
  DirectoryNotEmptyError,
  FileAlreadyExistsError,
  FileNotFoundError,
  StandbyError,
  WebHdfsOperationFailedError,
} from '../../../../client/hadoop/hdfs/webhdfs-errors.js';
import { uploadToStaging } from '../../../../client/hadoop/hdfs/staging-uploader.js';

let dir: string;
let server: WebHdfsServer;
const clients: WebHdfsClient[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-webhdfs-mc-'));
  server = await startWebHdfs({ dataDir: join(dir, 'data'), host: '127.0.0.1', superUser: 'root', staticUser: 'root' });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function client(user = 'root', extra: Partial<ConstructorParameters<typeof WebHdfsClient>[0]> = {}): WebHdfsClient {
  const c = new WebHdfsClient({
    endpoints: [{ scheme: 'http', host: '127.0.0.1', port: server.nameNodeAddress.port }],
    user,
    retry: { maxAttempts: 2 },
    sleep: async () => {},
    ...extra,
  });
  clients.push(c);
  return c;
}

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('WebHdfsClient against the mini cluster WebHDFS server', () => {
  it('main operations end to end', async () => {
    const fs = client();
    expect(await fs.getHomeDirectory()).toBe('/user/root');
    await fs.mkdirs('/t/a', { permission: '755' });
    const data = Buffer.alloc(200_000, 9);
    await fs.create('/t/a/f.bin', data, { permission: '644' });
    await fs.append('/t/a/f.bin', Buffer.from('tail'));
    const st = await fs.getFileStatus('/t/a/f.bin');
    expect(st.length).toBe(200_004);
    expect(st.type).toBe('FILE');
    const whole = await readAll(await fs.open('/t/a/f.bin'));
    expect(createHash('sha256').update(whole).digest('hex')).toBe(
      createHash('sha256')
        .update(Buffer.concat([data, Buffer.from('tail')]))
        .digest('hex'),
    );
    expect((await readAll(await fs.open('/t/a/f.bin', { offset: 200_000, length: 4 }))).toString()).toBe('tail');
    expect((await fs.listStatus('/t/a')).map((s) => s.pathSuffix)).toEqual(['f.bin']);
    const iter = [];
    for await (const s of fs.listStatusIterator('/t')) iter.push(s.pathSuffix);
    expect(iter).toEqual(['a']);
    expect((await fs.getContentSummary('/t')).length).toBe(200_004);
    expect((await fs.getFileChecksum('/t/a/f.bin')).algorithm).toMatch(/^MD5-of-\d+MD5-of-\d+CRC32C$/);
    await fs.setPermission('/t/a/f.bin', '600');
    await fs.setTimes('/t/a/f.bin', { modificationTime: 1700000000000 });
    const after = await fs.getFileStatus('/t/a/f.bin');
    expect([after.permission, after.modificationTime]).toEqual(['600', 1700000000000]);
    await fs.rename('/t/a/f.bin', '/t/g.bin');
    await expect(fs.rename('/t/missing', '/t/x')).rejects.toBeInstanceOf(WebHdfsOperationFailedError);
    await expect(fs.create('/t/g.bin', Buffer.from('x'), { overwrite: false })).rejects.toBeInstanceOf(FileAlreadyExistsError);
    await expect(fs.delete('/t')).rejects.toBeInstanceOf(DirectoryNotEmptyError);
    await fs.delete('/t', { recursive: true });
    await expect(fs.getFileStatus('/t')).rejects.toBeInstanceOf(FileNotFoundError);
    await expect(client('alice').mkdirs('/forbidden')).rejects.toBeInstanceOf(AccessControlError);
  });

  it('staging upload of a tree; sizes and times agree with the namespace', async () => {
    await mkdir(join(dir, 'bundle', 'lib'), { recursive: true });
    await writeFile(join(dir, 'bundle', 'main.js'), 'console.log(1)');
    await writeFile(join(dir, 'bundle', 'lib', 'x.js'), Buffer.alloc(70_000, 1));
    const staged = await uploadToStaging({ client: client(), localPath: join(dir, 'bundle'), stagingDir: '/user/root/.loom/app_1' });
    expect(staged.map((s) => [s.hdfsPath, s.size])).toEqual([
      ['/user/root/.loom/app_1/bundle/lib/x.js', 70_000],
      ['/user/root/.loom/app_1/bundle/main.js', 14],
    ]);
    const listing = await client().listStatus('/user/root/.loom/app_1/bundle/lib');
    expect(listing.map((s) => [s.pathSuffix, s.modificationTime])).toEqual([['x.js', staged[0].modificationTime]]);
  });

  it('a standby NameNode is reported by name when there is nowhere to fail over to', async () => {
    server.setStandby(true);
    await expect(client().getFileStatus('/')).rejects.toBeInstanceOf(StandbyError);
  });
});
