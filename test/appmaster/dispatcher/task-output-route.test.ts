import { afterEach, describe, expect, it } from 'vitest';
import type { TaskOutputJson } from '../../../client/contracts/dispatcher-rest-types.js';
import { DispatcherClient } from '../../../client/deploy/running/dispatcher-client.js';
import { TaskOutputStore } from '../../../appmaster/jobs/task-output-store.js';
import { DispatcherKit, http } from './dispatcher-kit.js';
import { FakeClusterControl, jobBody } from './fake-cluster-control.js';

/** The fake control, with task output from a real TaskOutputStore. */
class ControlWithOutput extends FakeClusterControl {
  readonly store = new TaskOutputStore();
  taskOutput(jobId: string, taskIndex: number, query: { attempt?: number; after: number }): TaskOutputJson | undefined {
    const job = this.job(jobId);
    return job && this.store.read(job, taskIndex, query);
  }
}

describe('GET /jobs/:id/tasks/:index/output', () => {
  const kit = new DispatcherKit();
  afterEach(() => kit.stopAll());

  async function started() {
    const control = new ControlWithOutput();
    const s = await kit.start({ control });
    const { jobid } = (await (
      await fetch(`${s.baseUrl}/jobs`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${s.secret}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(jobBody({ parallelism: 2 })),
      })
    ).json()) as { jobid: string };
    control.setTask(jobid, 0, 'RUNNING', { taskExecutorId: 'container_1_0001_01_000002', attempt: 1 });
    control.store.append('container_1_0001_01_000002', {
      task: { jobId: jobid, taskIndex: 0, attempt: 1 },
      lines: [
        { seq: 0, timeMs: 5, stream: 'stdout', text: 'hello' },
        { seq: 1, timeMs: 6, stream: 'stderr', text: 'careful' },
      ],
      dropped: 0,
    });
    const auth = { Authorization: `Bearer ${s.secret}` };
    return { ...s, jobid, auth, client: new DispatcherClient({ baseUrl: s.baseUrl, secret: s.secret }) };
  }

  it('answers the lines of the latest attempt, then only newer ones (the client method too)', async () => {
    const { port, jobid, auth, client } = await started();
    const all = await http(port, 'GET', `/jobs/${jobid}/tasks/0/output`, { headers: auth });
    expect(all.status).toBe(200);
    expect(all.json()).toEqual({
      jobId: jobid,
      taskIndex: 0,
      attempt: 1,
      lines: [
        { seq: 0, time: 5, stream: 'stdout', text: 'hello' },
        { seq: 1, time: 6, stream: 'stderr', text: 'careful' },
      ],
      next: 1,
      ended: false,
      dropped: 0,
      containerId: 'container_1_0001_01_000002',
    });
    const newer = await client.taskOutput(jobid, 0, { attempt: 1, after: 0 });
    expect(newer.lines.map((l) => l.text)).toEqual(['careful']);
    expect(await client.taskOutput(jobid, 0, { after: 1 })).toMatchObject({ lines: [], next: 1 });
  });

  it('404 for an unknown job, task or attempt, naming what exists; 400 for malformed attempt and after', async () => {
    const { port, jobid, auth } = await started();
    const get = async (path: string) => {
      const r = await http(port, 'GET', path, { headers: auth });
      return { status: r.status, errors: (r.json() as { errors: string[] }).errors };
    };
    expect(await get(`/jobs/${'f'.repeat(32)}/tasks/0/output`)).toEqual({
      status: 404,
      errors: [`job ${'f'.repeat(32)} not found; GET /jobs lists the jobs of this cluster`],
    });
    expect(await get(`/jobs/${jobid}/tasks/2/output`)).toEqual({
      status: 404,
      errors: [`job ${jobid} has no task 2; its tasks are 0 to 1`],
    });
    expect((await get(`/jobs/${jobid}/tasks/x/output`)).status).toBe(404);
    expect(await get(`/jobs/${jobid}/tasks/0/output?attempt=3`)).toEqual({
      status: 404,
      errors: [`task 0 of job ${jobid} has no attempt 3; its attempts are 1 to 1`],
    });
    expect((await get(`/jobs/${jobid}/tasks/0/output?attempt=0`)).status).toBe(400);
    expect(await get(`/jobs/${jobid}/tasks/0/output?after=soon`)).toEqual({
      status: 400,
      errors: ['after=soon is not a line number: use the "next" of the last answer, or -1 (the default) for every line'],
    });
  });

  it("needs the cluster secret, also through the web proxy (a task's output is the job's data)", async () => {
    const { port, jobid, server } = await started();
    const r = await http(port, 'GET', `/jobs/${jobid}/tasks/0/output`);
    expect(r.status).toBe(401);
    expect(server.routeAccess()).toContainEqual({ path: '/jobs/:id/tasks/:index/output', method: 'GET', throughProxy: 'none' });
  });

  it('404 naming the reason on an AM that keeps no task output', async () => {
    const s = await kit.start();
    const auth = { Authorization: `Bearer ${s.secret}` };
    const id = (await s.control.submitJob({ bundle: jobBody().bundle as never, exportName: 'f', parallelism: 1, args: [] })).id;
    const r = await http(s.port, 'GET', `/jobs/${id}/tasks/0/output`, { headers: auth });
    expect(r.status).toBe(404);
    expect(r.json()).toEqual({ errors: ['this ApplicationMaster keeps no task output'] });
  });
});
