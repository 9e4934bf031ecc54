/**
 * HDFS permission semantics over WebHDFS: traverse, read, write-on-parent, ownership,
 * superuser-only chown, the static user, doas for proxy users, and the standby / safe-mode
 * hooks. Expected texts are Hadoop's message formats written out by hand.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFile, json, send, startTestCluster, type TestCluster } from './webhdfs-test-kit.js';

describe('WebHDFS permissions', () => {
  let c: TestCluster;

  beforeEach(async () => {
    c = await startTestCluster({ staticUser: 'dr.who', proxyUsers: { hue: ['alice'] } });
    const ok = async (method: string, url: string) => expect((await send(method, url)).status).toBe(200);
    await ok('PUT', c.nn('/private?op=MKDIRS&permission=700&user.name=root'));
    await ok('PUT', c.nn('/listonly?op=MKDIRS&permission=711&user.name=root'));
    await ok('PUT', c.nn('/pub?op=MKDIRS&user.name=root'));
    expect((await createFile(c, '/pub/f', 'public')).status).toBe(201);
    expect((await createFile(c, '/pub/secret', 'secret', '&permission=600')).status).toBe(201);
    await ok('PUT', c.nn('/user/alice?op=MKDIRS&user.name=root'));
    await ok('PUT', c.nn('/user/alice?op=SETOWNER&owner=alice&user.name=root'));
  });

  afterEach(async () => {
    await c.dispose();
  });

  const remote = async (method: string, url: string) => {
    const answer = await send(method, url);
    return { status: answer.status, ...json(answer).RemoteException };
  };

  it('needs x on every ancestor (traverse)', async () => {
    expect(await remote('GET', c.nn('/private/x?op=GETFILESTATUS&user.name=alice'))).toEqual({
      status: 403,
      exception: 'AccessControlException',
      javaClassName: 'org.apache.hadoop.security.AccessControlException',
      message: 'Permission denied: user=alice, access=EXECUTE, inode="/private":root:supergroup:drwx------',
    });
  });

  it('needs r on a file to OPEN it (checked at the NameNode) and r-x on a directory to list it', async () => {
    expect((await remote('GET', c.nn('/pub/secret?op=OPEN&user.name=alice'))).message).toBe(
      'Permission denied: user=alice, access=READ, inode="/pub/secret":root:supergroup:-rw-------',
    );
    expect((await remote('GET', c.nn('/listonly?op=LISTSTATUS&user.name=alice'))).message).toBe(
      'Permission denied: user=alice, access=READ_EXECUTE, inode="/listonly":root:supergroup:drwx--x--x',
    );
    const open = await send('GET', c.nn('/pub/f?op=OPEN&user.name=alice'));
    expect(open.status).toBe(307);
    expect((await send('GET', String(open.headers.location))).body.toString()).toBe('public');
  });

  it('needs w on the parent to delete or rename', async () => {
    const denied = 'Permission denied: user=alice, access=WRITE, inode="/pub":root:supergroup:drwxr-xr-x';
    expect((await remote('DELETE', c.nn('/pub/f?op=DELETE&user.name=alice'))).message).toBe(denied);
    expect((await remote('PUT', c.nn('/pub/f?op=RENAME&destination=/user/alice/f&user.name=alice'))).message).toBe(denied);
  });

  it('lets only the owner or the superuser change permissions, and only the superuser change the owner', async () => {
    expect(await remote('PUT', c.nn('/pub/f?op=SETPERMISSION&permission=777&user.name=alice'))).toMatchObject({
      status: 403,
      message: 'Permission denied. user=alice is not the owner of inode=/pub/f',
    });
    expect((await createFile(c, '/user/alice/mine', 'x', '', 'alice')).status).toBe(201);
    expect((await remote('PUT', c.nn('/user/alice/mine?op=SETOWNER&owner=bob&user.name=alice'))).message).toBe(
      'User alice is not a super user (non-super user cannot change owner).',
    );
    expect((await send('PUT', c.nn('/user/alice/mine?op=SETPERMISSION&permission=640&user.name=alice'))).status).toBe(200);
    expect((await send('PUT', c.nn('/user/alice/mine?op=SETOWNER&owner=bob&group=staff&user.name=root'))).status).toBe(200);
    const status = json(await send('GET', c.nn('/user/alice/mine?op=GETFILESTATUS&user.name=alice'))).FileStatus;
    expect([status.owner, status.group, status.permission]).toEqual(['bob', 'staff', '640']);
  });

  it('creates files owned by the caller with the parent directory group', async () => {
    expect((await createFile(c, '/user/alice/a.txt', 'abc', '', 'alice')).status).toBe(201);
    const status = json(await send('GET', c.nn('/user/alice/a.txt?op=GETFILESTATUS&user.name=alice'))).FileStatus;
    expect([status.owner, status.group, status.permission, status.length]).toEqual(['alice', 'supergroup', '644', 3]);
  });

  it('refuses mkdirs under a file with ParentNotDirectoryException', async () => {
    expect(await remote('PUT', c.nn('/pub/f/sub?op=MKDIRS&user.name=root'))).toMatchObject({
      status: 403,
      javaClassName: 'org.apache.hadoop.fs.ParentNotDirectoryException',
      message: '/pub/f (is not a directory)',
    });
  });

  it('runs requests without user.name as the static user, and doas only for proxy users', async () => {
    expect(json(await send('GET', c.nn('/?op=GETHOMEDIRECTORY')))).toEqual({ Path: '/user/dr.who' });
    expect(json(await send('GET', c.nn('/?op=GETHOMEDIRECTORY&user.name=hue&doas=alice')))).toEqual({ Path: '/user/alice' });
    expect(await remote('GET', c.nn('/?op=GETHOMEDIRECTORY&user.name=bob&doas=alice'))).toMatchObject({
      status: 403,
      exception: 'AuthorizationException',
      message: 'User: bob is not allowed to impersonate alice',
    });
  });

  it('answers StandbyException to everything in standby, SafeModeException to writes in safe mode', async () => {
    c.server.setStandby(true);
    expect(await remote('GET', c.nn('/pub?op=GETFILESTATUS&user.name=root'))).toMatchObject({
      status: 403,
      exception: 'StandbyException',
      javaClassName: 'org.apache.hadoop.ipc.StandbyException',
    });
    c.server.setStandby(false);
    c.server.setSafeMode(true);
    const refused = await remote('PUT', c.nn('/pub/d?op=MKDIRS&user.name=root'));
    expect(refused).toMatchObject({ status: 403, exception: 'SafeModeException' });
    expect(refused.message).toMatch(/^Cannot create directory \/pub\/d\. Name node is in safe mode\./);
    expect((await send('GET', c.nn('/pub?op=GETFILESTATUS&user.name=root'))).status).toBe(200);
    c.server.setSafeMode(false);
    expect((await send('PUT', c.nn('/pub/d?op=MKDIRS&user.name=root'))).status).toBe(200);
  });
});
