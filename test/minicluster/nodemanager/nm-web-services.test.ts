// The mini NodeManager's web services answer in the shapes recorded from the real 3.3.6 NM
// (test/fixtures/nodemanager-web/exchanges/).
import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { answerNodeWebServices, type NodeWebServicesSource } from '../../../minicluster/nodemanager/nm-web-services.js';

const EX = join(import.meta.dirname, '../../fixtures/nodemanager-web/exchanges');
const C2 = 'container_1796661065304_0002_01_000002';
const MTIME = Date.UTC(2026, 11, 7, 16, 34, 15) / 1000;

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function source(): Promise<NodeWebServicesSource> {
  dir = await mkdtemp(join(tmpdir(), 'nm-web-'));
  const logs = join(dir, 'application_1796661065304_0002', C2);
  await mkdir(logs, { recursive: true });
  await writeFile(join(logs, 'stdout'), '');
  await writeFile(join(logs, 'prelaunch.err'), 'hello-stderr\n');
  for (const f of ['stdout', 'prelaunch.err']) await utimes(join(logs, f), MTIME, MTIME);
  return {
    nodeId: () => 'localhost:45454',
    httpAddress: () => '127.0.0.1:8042',
    logDir: dir,
    containers: () => [
      { id: C2, state: 'RUNNING', exitCode: -1000, diagnostics: '', user: 'root', totalMemoryNeededMB: 128, totalVCoresNeeded: 1 },
    ],
  };
}

async function body(path: string, s: NodeWebServicesSource): Promise<{ status: number; type: string; text: string }> {
  const a = await answerNodeWebServices(new URL(path, 'http://nm'), s);
  if (!a) throw new Error(`no answer for ${path}`);
  return { status: a.status, type: a.type, text: a.stream ? await text(a.stream) : (a.body ?? '') };
}

describe('mini NodeManager web services (JVM and Node in UTC, as recorded)', () => {
  it('a log file: the recorded block, byte for byte (running container)', async () => {
    process.env.TZ = 'UTC';
    const s = await source();
    const a = await body(`/ws/v1/node/containers/${C2}/logs/prelaunch.err?size=9223372036854775807`, s);
    expect(a.status).toBe(200);
    expect(a.type).toBe('text/plain;charset=utf-8');
    expect(a.text).toBe(readFileSync(join(EX, 'logs-file-stderr.body'), 'utf8'));
    expect((await body(`/ws/v1/node/containerlogs/${C2}/stdout`, s)).text).toBe(readFileSync(join(EX, 'containerlog-stdout.body'), 'utf8'));
  });

  it('the log list, containers and errors have the recorded shapes', async () => {
    process.env.TZ = 'UTC';
    const s = await source();
    const list = JSON.parse((await body(`/ws/v1/node/containers/${C2}/logs`, s)).text) as { containerLogsInfo: Record<string, unknown> };
    const recorded = JSON.parse(readFileSync(join(EX, 'container-logs.body'), 'utf8')) as {
      containerLogsInfo: { containerLogInfo: unknown[] };
    };
    expect(Object.keys(list.containerLogsInfo).sort()).toEqual(Object.keys(recorded.containerLogsInfo).sort());
    const files = list.containerLogsInfo.containerLogInfo as Record<string, unknown>[];
    expect(files.find((f) => f.fileName === 'prelaunch.err')).toEqual(
      recorded.containerLogsInfo.containerLogInfo.find((f) => (f as { fileName: string }).fileName === 'prelaunch.err'),
    );
    const containers = JSON.parse((await body('/ws/v1/node/containers', s)).text) as {
      containers: { container: Record<string, unknown>[] };
    };
    const recordedContainers = JSON.parse(readFileSync(join(EX, 'containers.body'), 'utf8')) as {
      containers: { container: Record<string, unknown>[] };
    };
    expect(Object.keys(containers.containers.container[0]).sort()).toEqual(Object.keys(recordedContainers.containers.container[0]).sort());
    const missing = await body(`/ws/v1/node/containers/${C2}/logs/nosuch`, s);
    expect([missing.status, missing.text]).toEqual([404, readFileSync(join(EX, 'logs-file-missing.body'), 'utf8')]);
    const unknown = JSON.parse((await body('/ws/v1/node/containers/container_1796661065304_0002_01_000099/logs', s)).text) as unknown;
    expect(unknown).toEqual(JSON.parse(readFileSync(join(EX, 'container-unknown.body'), 'utf8')));
  });
});
