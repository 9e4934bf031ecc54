/**
 * What another reader sees of a file while its CREATE is in flight, as on a real NameNode +
 * DataNode: the DataNode's startFile makes the file exist empty and under construction; its bytes
 * come after the write pipeline's set-up; it stays under construction (the writer holds the lease,
 * so APPEND is refused with AlreadyBeingCreatedException) until completeFile succeeds, which on a
 * slow block report is the client's retry 400 ms later; only then does the 201 come. A zero-latency
 * server fails this test: there the file is whole and complete the moment it appears.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebHdfsClient } from '../../../client/hadoop/hdfs/webhdfs-client.js';
import { HdfsLatency } from '../../../minicluster/webhdfs/hdfs-latency.js';
import { json, send, startTestCluster, type TestCluster } from './webhdfs-test-kit.js';

/** With this seed the first write's pipeline set-up takes 49 ms and its completeFile is the slow one (418 ms). */
const SLOW_FIRST_WRITE_SEED = 33;

describe('a file being created, seen by another reader', () => {
  let c: TestCluster;
  let writer: WebHdfsClient | undefined;
  beforeEach(async () => {
    c = await startTestCluster({ latency: new HdfsLatency({ scale: 1, seed: SLOW_FIRST_WRITE_SEED }) });
  });
  afterEach(async () => {
    writer?.close();
    await c.dispose();
  });

  /** GETFILESTATUS as another user would send it: the length, or undefined while missing. */
  const lengthOf = async (path: string): Promise<number | undefined> => {
    const answer = await send('GET', c.nn(`${path}?op=GETFILESTATUS&user.name=root`));
    return answer.status === 200 ? (json(answer).FileStatus.length as number) : undefined;
  };

  it('exists empty, then whole but under construction, and is complete only when the 201 comes', async () => {
    const record = Buffer.from(JSON.stringify({ job: 'job_1', state: 'RUNNING' }));
    writer = new WebHdfsClient({ endpoints: [{ scheme: 'http', host: '127.0.0.1', port: c.server.nameNodeAddress.port }], user: 'root' });
    let answered = false;
    const creating = writer.create('/jobs/job_1.json', record).then(() => void (answered = true));

    // What the reader saw, in order, until the file was whole: its length (or missing) and whether the writer had its answer.
    const seen: { length: number | undefined; answered: boolean }[] = [];
    do seen.push({ length: await lengthOf('/jobs/job_1.json'), answered });
    while (seen.at(-1)!.length !== record.length && seen.length < 1000);
    const firstFound = seen.find((s) => s.length !== undefined);
    expect({ firstFound, whole: seen.at(-1) }).toEqual({
      firstFound: { length: 0, answered: false },
      whole: { length: record.length, answered: false },
    });

    const append = await send('POST', c.nn('/jobs/job_1.json?op=APPEND&user.name=root'));
    const appendAtDataNode = await send('POST', String(append.headers.location), { body: 'x' });
    expect([appendAtDataNode.status, json(appendAtDataNode).RemoteException?.exception, answered]).toEqual([
      403,
      'AlreadyBeingCreatedException',
      false,
    ]);

    await creating;
    await expect(writer.append('/jobs/job_1.json', Buffer.from('\n'))).resolves.toBeUndefined();
  });
});
