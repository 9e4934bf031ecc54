// Runtime tests without YARN: a mini WebHDFS (superuser root), a DeployContext for user alice on
// it, an admin client, and a listing of everything in the namespace to show what a step wrote.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration } from '../../../../client/conf/configuration.js';
import { LoomConfig } from '../../../../client/conf/loom-config.js';
import { DeployContext } from '../../../../client/deploy/submit/deploy-context.js';
import { WebHdfsClient } from '../../../../client/hadoop/hdfs/webhdfs-client.js';
import { startWebHdfs, type WebHdfsServer } from '../../../../minicluster/webhdfs/webhdfs-server.js';

export interface RuntimeTestKit {
  dir: string;
  server: WebHdfsServer;
  fsUri: string;
  admin: WebHdfsClient;
  /** A deploy context for alice with these Loom settings (closed by stop()). */
  context(loom?: Record<string, string>): DeployContext;
  /** Every path in the namespace with its type, size and modification time. */
  snapshot(): Promise<string[]>;
  put(path: string, content: string | Buffer, permission?: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startRuntimeTestKit(): Promise<RuntimeTestKit> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-runtime-kit-'));
  const server = await startWebHdfs({ dataDir: join(dir, 'hdfs'), host: '127.0.0.1', superUser: 'root', staticUser: 'root' });
  const port = server.nameNodeAddress.port;
  const fsUri = `webhdfs://127.0.0.1:${port}`;
  const admin = new WebHdfsClient({ endpoints: [{ scheme: 'http', host: '127.0.0.1', port }], user: 'root', retry: { maxAttempts: 1 } });
  await admin.mkdirs('/user/alice');
  await admin.setOwner('/user/alice', { owner: 'alice' });
  const contexts: DeployContext[] = [];
  const snapshot = async (): Promise<string[]> => {
    const out: string[] = [];
    const walk = async (p: string): Promise<void> => {
      for (const st of await admin.listStatus(p)) {
        const child = p === '/' ? `/${st.pathSuffix}` : `${p}/${st.pathSuffix}`;
        out.push(`${st.type} ${child} ${st.length} ${st.modificationTime} ${st.permission}`);
        if (st.type === 'DIRECTORY') await walk(child);
      }
    };
    await walk('/');
    return out;
  };
  return {
    dir,
    server,
    fsUri,
    admin,
    context: (loom = {}) => {
      const hadoopConf = Configuration.withDefaults({});
      hadoopConf.set('fs.defaultFS', fsUri);
      hadoopConf.set('yarn.resourcemanager.address', '127.0.0.1:1');
      const conf = LoomConfig.empty();
      for (const [k, v] of Object.entries(loom)) conf.set(k, v);
      const ctx = new DeployContext({ hadoopConf, conf, env: { HADOOP_USER_NAME: 'alice', LOOM_CACHE_DIR: join(dir, 'cache') } });
      contexts.push(ctx);
      return ctx;
    },
    snapshot,
    put: async (path, content, permission) => {
      // Parents first, as 755: implicit parents of a CREATE get the file's permission plus u+wx (as in HDFS).
      await admin.mkdirs(path.slice(0, path.lastIndexOf('/')) || '/');
      await admin.create(path, Buffer.from(content), { overwrite: false, ...(permission ? { permission } : {}) });
    },
    stop: async () => {
      for (const c of contexts) await c.close();
      admin.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
