// The in-process HA store tests' file system: the mini cluster's WebHDFS in a temp dir, with
// /user/alice owned by alice, and a client acting as her (no retries: failures show at once).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebHdfsClient } from '../../../client/hadoop/hdfs/webhdfs-client.js';
import { startWebHdfs, type WebHdfsServer } from '../../../minicluster/webhdfs/webhdfs-server.js';

export interface StoreWebHdfs {
  server: WebHdfsServer;
  /** Acts as alice. */
  client: WebHdfsClient;
  close(): Promise<void>;
}

export function clientAt(port: number, user: string): WebHdfsClient {
  return new WebHdfsClient({ endpoints: [{ scheme: 'http', host: '127.0.0.1', port }], user, retry: { maxAttempts: 1 } });
}

export async function startStoreWebHdfs(): Promise<StoreWebHdfs> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-ha-store-'));
  const server = await startWebHdfs({ dataDir: join(dir, 'data'), host: '127.0.0.1', superUser: 'root', staticUser: 'root' });
  const admin = clientAt(server.nameNodeAddress.port, 'root');
  await admin.mkdirs('/user/alice');
  await admin.setOwner('/user/alice', { owner: 'alice' });
  admin.close();
  const client = clientAt(server.nameNodeAddress.port, 'alice');
  return {
    server,
    client,
    close: async () => {
      client.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
