/** close() ends idle keep-alive connections and in-flight uploads, and frees both ports. */
import { request, Agent } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDataDir, send, startTestCluster, type TestCluster } from './webhdfs-test-kit.js';
import { rmSync } from 'node:fs';

describe('WebHDFS close()', () => {
  let c: TestCluster | undefined;
  const dataDir = makeDataDir();
  afterEach(async () => {
    await c?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves no open socket behind', async () => {
    c = await startTestCluster({}, dataDir);
    const agent = new Agent({ keepAlive: true });
    // An idle keep-alive connection to the NameNode...
    const idleClosed = new Promise<void>((resolve) => {
      request(c!.nn('/?op=GETHOMEDIRECTORY&user.name=root'), { agent }, (res) => {
        res.resume();
        res.socket.once('close', () => resolve());
      }).end();
    });
    // ...and an upload to the DataNode that never finishes.
    const step1 = await send('PUT', c.nn('/hanging?op=CREATE&user.name=root'));
    const upload = request(String(step1.headers.location), { method: 'PUT', agent: false, headers: { 'Transfer-Encoding': 'chunked' } });
    const uploadClosed = new Promise<void>((resolve) => upload.once('close', () => resolve()));
    upload.on('error', () => undefined);
    upload.write('partial');
    await new Promise<void>((resolve) => upload.once('information', () => resolve()));

    await c.stop();
    await idleClosed;
    await uploadClosed;
    agent.destroy();
    for (const address of [c.server.nameNodeAddress, c.server.dataNodeAddress]) {
      const refused = await new Promise<string>((resolve) => {
        const s = connect(address.port, address.host);
        s.once('connect', () => {
          s.destroy();
          resolve('connected');
        });
        s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      expect(refused).toBe('ECONNREFUSED');
    }
  });
});
