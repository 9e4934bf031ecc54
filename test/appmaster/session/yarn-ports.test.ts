import { describe, expect, it } from 'vitest';
import { AmRmScheduler, TASK_EXECUTOR_PRIORITY } from '../../../appmaster/session/yarn-ports.js';
import type { AMRMClient, AllocateResult, ContainerRequest } from '../../../client/hadoop/yarn/amrm-client.js';
import { AttemptOverError } from '../../../client/hadoop/yarn/yarn-client-errors.js';
import type { Container } from '../../../client/hadoop/yarn/yarn-records.js';

/** The part of AMRMClient the adapter uses, recording what it was told. */
class StubAmRmClient {
  requests: ContainerRequest[] = [];
  released: string[] = [];
  result: Partial<AllocateResult> = {};
  error: Error | undefined;
  outstandingRequests(): ContainerRequest[] {
    return [...this.requests];
  }
  addContainerRequest(req: ContainerRequest): void {
    this.requests.push(req);
  }
  removeContainerRequest(): boolean {
    return this.requests.pop() !== undefined;
  }
  releaseAssignedContainer(id: string): void {
    this.released.push(id);
  }
  async allocate(): Promise<AllocateResult> {
    if (this.error) throw this.error;
    return { allocated: [], surplus: [], completed: [], amCommand: undefined, ...this.result } as AllocateResult;
  }
}

const container = (id: string) => ({ id, nodeId: 'localhost:45454', resource: { memoryMb: 1024, vcores: 2 } }) as Container;

describe('AmRmScheduler', () => {
  it('keeps the ask table at the absolute count, at one priority and size', async () => {
    const stub = new StubAmRmClient();
    const scheduler = new AmRmScheduler(stub as unknown as AMRMClient, { memoryMb: 1024, vcores: 2 });
    await scheduler.allocate({ ask: 3, release: [] });
    expect(stub.requests).toHaveLength(3);
    expect(stub.requests[0]).toEqual({ capability: { memoryMb: 1024, vcores: 2 }, priority: TASK_EXECUTOR_PRIORITY });
    stub.requests.pop(); // AMRMClient lowers the table itself when a container arrives
    await scheduler.allocate({ ask: 1, release: ['c9'] });
    expect(stub.requests).toHaveLength(1);
    expect(stub.released).toEqual(['c9']);
    await scheduler.allocate({ ask: 0, release: [] });
    expect(stub.requests).toHaveLength(0);
  });

  it('hands allocated and surplus containers to the bridge, and maps AM commands and a finished attempt to shutdown', async () => {
    const stub = new StubAmRmClient();
    const scheduler = new AmRmScheduler(stub as unknown as AMRMClient, { memoryMb: 1024, vcores: 2 });
    stub.result = { allocated: [container('c2')], surplus: [container('c3')] };
    const answer = await scheduler.allocate({ ask: 1, release: [] });
    expect(answer.allocated.map((c) => c.id)).toEqual(['c2', 'c3']);
    expect(answer.shutdownRequested).toBe(false);
    stub.result = { amCommand: 'AM_SHUTDOWN' };
    expect((await scheduler.allocate({ ask: 0, release: [] })).shutdownRequested).toBe(true);
    stub.error = new AttemptOverError('org.apache.hadoop.yarn.exceptions.ApplicationAttemptNotFoundException', 'gone');
    expect((await scheduler.allocate({ ask: 0, release: [] })).shutdownRequested).toBe(true);
    stub.error = new Error('Connection refused');
    await expect(scheduler.allocate({ ask: 0, release: [] })).rejects.toThrow('Connection refused');
  });
});
