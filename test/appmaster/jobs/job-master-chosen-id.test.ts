// Per-job mode: the client picks the job id before the AM exists, so the job master takes it.
import { describe, expect, it } from 'vitest';
import { JobMaster } from '../../../appmaster/jobs/job-master.js';
import { TaskExecutorRegistry } from '../../../appmaster/taskexecutors/taskexecutor-registry.js';
import type { JobSpec } from '../../../appmaster/cluster-api.js';

const spec: JobSpec = {
  bundle: { url: 'hdfs://nn:8020/user/a/wc-0123456789ab.mjs', kind: 'file', size: 10, modificationTime: 1 },
  exportName: 'countWords',
  parallelism: 1,
  args: [],
};

function master(): JobMaster {
  const registry = new TaskExecutorRegistry({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 10_000, amTimeoutMs: 30_000 });
  return new JobMaster(registry, { slotsPerTaskExecutor: 1 });
}

describe('JobMaster.submitJob with a chosen id', () => {
  it('keeps the id it is given and refuses a malformed or repeated one', async () => {
    const m = master();
    const id = 'ab'.repeat(16);
    expect((await m.submitJob(spec, { id })).id).toBe(id);
    expect(m.job(id)?.state).toBe('RUNNING');
    await expect(m.submitJob(spec, { id })).rejects.toThrow(/was submitted already/);
    await expect(m.submitJob(spec, { id: 'not-hex' })).rejects.toThrow(/32 lower-case hex digits/);
    expect((await m.submitJob(spec)).id).toMatch(/^[0-9a-f]{32}$/);
    m.close('test over');
  });
});
