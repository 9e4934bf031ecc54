// `loom logs -applicationId` for a running application prints what Java's `yarn logs` printed for
// the same NodeManager answers, byte for byte (test/fixtures/nodemanager-web/running-app/).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeManagerWebClient } from '../../../../client/hadoop/yarn/nodemanager-web-client.js';
import { printYarnLogs } from '../../../../client/hadoop/yarn/yarn-logs.js';

const DIR = join(import.meta.dirname, '../../../fixtures/nodemanager-web/running-app');
const APP = 'application_1796661065304_0002';
const C1 = 'container_1796661065304_0002_01_000001';
const C2 = 'container_1796661065304_0002_01_000002';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** Serves the recorded NodeManager answers. */
async function fakeNodeManager(): Promise<string> {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://nm');
    const m = /^\/ws\/v1\/node\/containers\/([^/]+)\/logs(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return void res.writeHead(404).end();
    if (!m[2]) {
      res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8' });
      return void res.end(readFileSync(join(DIR, `${m[1]}.list.json`)));
    }
    expect(url.searchParams.get('size')).toBe('9223372036854775807');
    res.writeHead(200, { 'Content-Type': 'text/plain;charset=utf-8' });
    res.end(readFileSync(join(DIR, `${m[1]}.${m[2]}`)));
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

function fakeYarn(nodeHttpAddress: string) {
  return {
    getApplicationReport: async () => ({ state: 'RUNNING', user: 'root' }) as never,
    getApplicationAttempts: async () => [{ attemptId: 'appattempt_1796661065304_0002_000001' }] as never,
    getContainers: async () => [C1, C2].map((containerId) => ({ containerId, nodeHttpAddress })) as never,
  };
}

async function run(req: Parameters<typeof printYarnLogs>[0]): Promise<{ code: number; out: string; err: string[] }> {
  const nm = await fakeNodeManager();
  const chunks: Buffer[] = [];
  const err: string[] = [];
  const code = await printYarnLogs(
    req,
    { yarn: fakeYarn(nm), nodeManagers: new NodeManagerWebClient() },
    { write: async (c) => void chunks.push(Buffer.from(c)), error: (l) => void err.push(l) },
  );
  return { code, out: Buffer.concat(chunks).toString('utf8'), err };
}

describe('yarn logs for a running application', () => {
  it('prints every container file as Java yarn logs did (HashSet order, NM block plus newline)', async () => {
    const { code, out } = await run({ appId: APP });
    expect(code).toBe(0);
    expect(out).toBe(readFileSync(join(DIR, 'java-yarn-logs.out'), 'utf8'));
  });

  it('-containerId and -log_files select as Java did', async () => {
    const { out } = await run({ appId: APP, containerId: C2, logFiles: ['prelaunch.err', 'stdout'] });
    expect(out).toBe(readFileSync(join(DIR, 'java-yarn-logs-container-2-log-files.out'), 'utf8'));
  });

  it("a -log_files name no container has: Java's stderr lines and exit code 255", async () => {
    const { code, out, err } = await run({ appId: APP, logFiles: ['nosuch'] });
    expect(out).toBe('');
    expect(code).toBe(255);
    expect(err.join('\n') + '\n').toBe(readFileSync(join(DIR, 'java-yarn-logs-nosuch.err'), 'utf8'));
  });
});
