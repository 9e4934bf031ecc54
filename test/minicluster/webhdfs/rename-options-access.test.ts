/**
 * The mini cluster's WebHDFS answers RENAME with renameoptions (rename2), CHECKACCESS and
 * GETSERVERDEFAULTS as Hadoop 3.3.6 does; the statuses and messages below were recorded with
 * curl against the real NameNode (paths shortened). Before, renameoptions was ignored: an
 * OVERWRITE rename onto an existing file answered {"boolean":false} and left the old file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFile, json, send, startTestCluster, type TestCluster } from './webhdfs-test-kit.js';

let c: TestCluster;
beforeEach(async () => {
  c = await startTestCluster({ userGroups: { alice: ['users'] } });
  expect((await send('PUT', c.nn('/s/a/b?op=MKDIRS&user.name=root'))).status).toBe(200);
  expect((await createFile(c, '/s/a/f1', 'one')).status).toBe(201);
  expect((await createFile(c, '/s/a/f2', 'second')).status).toBe(201);
  expect((await send('PUT', c.nn('/s/dir?op=MKDIRS&user.name=root'))).status).toBe(200);
});
afterEach(async () => {
  await c.dispose();
});

async function remote(method: string, url: string): Promise<{ status: number; exception: string; message: string }> {
  const a = await send(method, url);
  const body = json(a).RemoteException;
  return { status: a.status, exception: body.exception, message: body.message };
}

const rename = (src: string, dst: string, options: string) =>
  c.nn(`${src}?op=RENAME&destination=${dst}&renameoptions=${options}&user.name=root`);

describe('RENAME with renameoptions (rename2)', () => {
  it('OVERWRITE replaces an existing file and answers 200 with an empty octet-stream body', async () => {
    const a = await send('PUT', rename('/s/a/f1', '/s/a/f2', 'OVERWRITE'));
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/octet-stream');
    expect(a.body.length).toBe(0);
    const listing = json(await send('GET', c.nn('/s/a?op=LISTSTATUS&user.name=root'))).FileStatuses.FileStatus.map(
      (s: { pathSuffix: string }) => s.pathSuffix,
    );
    expect(listing).toEqual(['b', 'f2']);
    const opened = await send('GET', c.nn('/s/a/f2?op=OPEN&user.name=root'));
    expect((await send('GET', String(opened.headers.location))).body.toString()).toBe('one');
  });

  it('refuses what HDFS refuses, with its exceptions and messages', async () => {
    expect(await remote('PUT', rename('/s/a/f1', '/s/a/f2', 'NONE'))).toEqual({
      status: 403,
      exception: 'FileAlreadyExistsException',
      message: 'rename destination /s/a/f2 already exists',
    });
    expect(await remote('PUT', rename('/s/a/f1', '/s/dir', 'OVERWRITE'))).toEqual({
      status: 403,
      exception: 'IOException',
      message: 'Source /s/a/f1 and destination /s/dir must both be directories',
    });
    expect(await remote('PUT', rename('/s/dir', '/s/a/f1', 'OVERWRITE'))).toMatchObject({
      message: 'Source /s/dir and destination /s/a/f1 must both be directories',
    });
    expect(await remote('PUT', rename('/s/dir', '/s/a', 'OVERWRITE'))).toEqual({
      status: 403,
      exception: 'IOException',
      message: 'rename destination directory is not empty: /s/a',
    });
    expect(await remote('PUT', rename('/s/a/f1', '/s/nodir/x', 'OVERWRITE'))).toEqual({
      status: 404,
      exception: 'FileNotFoundException',
      message: 'rename destination parent /s/nodir/x not found.',
    });
    expect(await remote('PUT', rename('/s/a/nothere', '/s/x', 'OVERWRITE'))).toEqual({
      status: 404,
      exception: 'FileNotFoundException',
      message: 'rename source /s/a/nothere is not found.',
    });
    expect(await remote('PUT', rename('/s/a/f1', '/s/a/f1', 'OVERWRITE'))).toEqual({
      status: 403,
      exception: 'FileAlreadyExistsException',
      message: 'The source /s/a/f1 and destination /s/a/f1 are the same',
    });
    expect(await remote('PUT', rename('/s/a', '/s/a/zz', 'OVERWRITE'))).toEqual({
      status: 403,
      exception: 'IOException',
      message: 'Rename destination /s/a/zz is a directory or file under source /s/a',
    });
    expect(await remote('PUT', rename('/s/a/f1', '/', 'OVERWRITE'))).toEqual({
      status: 403,
      exception: 'IOException',
      message: 'rename destination cannot be the root',
    });
    expect(await remote('PUT', rename('/s/a/f1', '/s/a/f2/x', 'OVERWRITE'))).toEqual({
      status: 403,
      exception: 'ParentNotDirectoryException',
      message: '/s/a/f2 (is not a directory)',
    });
    expect(await remote('PUT', rename('/s/a/f1', '/s/x', 'bogus'))).toEqual({
      status: 400,
      exception: 'IllegalArgumentException',
      message: 'Invalid value for webhdfs parameter "renameoptions": No enum constant org.apache.hadoop.fs.Options.Rename.BOGUS',
    });
  });

  it('TO_TRASH also needs ALL on every non-empty directory under the source (FSPermissionChecker subAccess)', async () => {
    for (const step of [
      '/pub?op=MKDIRS&permission=777&user.name=root',
      '/pub/d?op=MKDIRS&user.name=alice',
      '/pub/d/empty?op=MKDIRS&permission=555&user.name=alice',
      '/pub/e/sub?op=MKDIRS&user.name=alice',
      '/pub/e/sub?op=SETOWNER&owner=root&user.name=root',
    ]) {
      expect((await send('PUT', c.nn(step))).status, step).toBe(200);
    }
    expect((await createFile(c, '/pub/e/sub/f', 'x', '', 'root')).status).toBe(201);
    const asAlice = (src: string, dst: string, options: string) =>
      c.nn(`${src}?op=RENAME&destination=${dst}&renameoptions=${options}&user.name=alice`);
    expect((await send('PUT', asAlice('/pub/d', '/pub/d2', 'TO_TRASH'))).status).toBe(200);
    expect(await remote('PUT', asAlice('/pub/e', '/pub/e2', 'TO_TRASH'))).toEqual({
      status: 403,
      exception: 'AccessControlException',
      message: 'Permission denied: user=alice, access=ALL, inode="/pub/e/sub":root:supergroup:drwxr-xr-x',
    });
    expect((await send('PUT', asAlice('/pub/e', '/pub/e2', 'NONE'))).status).toBe(200);
  });

  it('without renameoptions it is still the old rename that answers a boolean', async () => {
    expect(json(await send('PUT', c.nn('/s/a/f1?op=RENAME&destination=/s/a/f2&user.name=root')))).toEqual({ boolean: false });
    expect(json(await send('PUT', c.nn('/s/a/f1?op=RENAME&destination=/s/dir&user.name=root')))).toEqual({ boolean: true });
  });
});

describe('CHECKACCESS and GETSERVERDEFAULTS', () => {
  it('CHECKACCESS: 200 empty when allowed, AccessControlException / "Path not found" otherwise', async () => {
    const ok = await send('GET', c.nn('/s/a/f1?op=CHECKACCESS&fsaction=rw-&user.name=root'));
    expect([ok.status, ok.headers['content-type'], ok.body.length]).toEqual([200, 'application/octet-stream; charset=utf-8', 0]);
    expect((await send('GET', c.nn('/s/a/f1?op=CHECKACCESS&fsaction=r--&user.name=alice'))).status).toBe(200);
    expect(await remote('GET', c.nn('/s?op=CHECKACCESS&fsaction=rwx&user.name=alice'))).toEqual({
      status: 403,
      exception: 'AccessControlException',
      message: 'Permission denied: user=alice, access=ALL, inode="/s":root:supergroup:drwxr-xr-x',
    });
    expect(await remote('GET', c.nn('/s/zz?op=CHECKACCESS&fsaction=r--&user.name=alice'))).toEqual({
      status: 404,
      exception: 'FileNotFoundException',
      message: 'Path not found',
    });
    expect(await remote('GET', c.nn('/s?op=CHECKACCESS&user.name=root'))).toEqual({
      status: 400,
      exception: 'IllegalArgumentException',
      message: 'Required param fsaction for op: CHECKACCESS is null or empty',
    });
    expect(await remote('GET', c.nn('/s?op=CHECKACCESS&fsaction=rw&user.name=root'))).toEqual({
      status: 400,
      exception: 'IllegalArgumentException',
      message: 'Invalid value for webhdfs parameter "fsaction": Invalid value: "rw" does not belong to the domain [r-][w-][x-]',
    });
  });

  it('GETSERVERDEFAULTS answers the FsServerDefaults of a cluster without server-side trash', async () => {
    const a = await send('GET', c.nn('/?op=GETSERVERDEFAULTS&user.name=root'));
    expect(a.body.toString()).toBe(
      '{"FsServerDefaults":{"replication":1,"encryptDataTransfer":false,"defaultStoragePolicyId":7,"writePacketSize":65536,"fileBufferSize":4096,"checksumType":2,"trashInterval":0,"keyProviderUri":"","blockSize":134217728,"bytesPerChecksum":512}}',
    );
  });
});
