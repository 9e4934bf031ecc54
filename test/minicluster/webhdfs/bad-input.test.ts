/** Malformed requests get a clear 400 and the server keeps serving. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, send, startTestCluster, type TestCluster } from './webhdfs-test-kit.js';

describe('WebHDFS bad input', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster();
  });
  afterAll(async () => {
    await c.dispose();
  });

  const cases: [string, string, string, string][] = [
    ['GET', '/a/b:c?op=GETFILESTATUS&user.name=root', 'InvalidPathException', 'Invalid path name Invalid file name: /a/b:c'],
    [
      'GET',
      '/x?op=GETFILESTATUS&user.name=no%20spaces',
      'IllegalArgumentException',
      'Invalid value for webhdfs parameter "user.name": Invalid value: "no spaces" does not belong to the domain ^[A-Za-z_][A-Za-z0-9._-]*[$]?$',
    ],
    [
      'PUT',
      '/x?op=CREATE&blocksize=abc&user.name=root',
      'IllegalArgumentException',
      'Invalid value for webhdfs parameter "blocksize": Failed to parse "abc" as a radix-10 long integer.',
    ],
    [
      'PUT',
      '/x?op=SETPERMISSION&permission=2000&user.name=root',
      'IllegalArgumentException',
      'Invalid value for webhdfs parameter "permission": Invalid parameter range: permission = 2000 > 1777',
    ],
    ['PUT', '/x?op=RENAME&user.name=root', 'IllegalArgumentException', 'Required param destination for op: RENAME is null or empty'],
    ['PATCH', '/x?op=OPEN&user.name=root', 'UnsupportedOperationException', 'HTTP method PATCH is not supported by WebHDFS'],
  ];

  for (const [method, target, exception, message] of cases) {
    it(`${method} ${target}`, async () => {
      const answer = await send(method, c.nn(target));
      expect(answer.status).toBe(400);
      expect(json(answer).RemoteException).toMatchObject({ exception, message });
    });
  }

  it('refuses a DataNode call that did not come through the NameNode, and still serves afterwards', async () => {
    const answer = await send('GET', c.dn('/x?op=OPEN&user.name=root'));
    expect(answer.status).toBe(400);
    expect(json(answer).RemoteException.message).toMatch(/^Namenode RPC address is not specified/);
    expect(json(await send('GET', c.nn('/?op=GETHOMEDIRECTORY&user.name=root')))).toEqual({ Path: '/user/root' });
  });
});
