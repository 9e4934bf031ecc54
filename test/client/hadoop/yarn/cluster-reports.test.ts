import { describe, expect, it } from 'vitest';
import { APPLICATION_CLIENT_PROTOCOL, type ProtocolMethod } from '../../../../client/wire/codec/hadoop-protocols.js';
import { decodeDelimitedBody, parseRequestFrame, parseResponseFrame } from '../../../../client/wire/ipc/rpc-messages.js';
import {
  applicationReportFromProto,
  clusterMetricsFromProto,
  nodeReportFromProto,
  queueInfoFromProto,
} from '../../../../client/hadoop/yarn/cluster-reports.js';
import { readFixtureJson, streamBytes, type IpcConnectionFixture } from '../../../support/fixtures.js';
import { splitFrames } from '../../../support/ipc-frames.js';

type Obj = Record<string, any>;

/** Every SUCCESS answer of a recorded YarnClient -> RM connection, decoded, with its method. */
function recordedAnswers(...path: string[]): { method: string; body: Obj }[] {
  const conn = readFixtureJson<IpcConnectionFixture>(...path);
  const methods = new Map<number, string>();
  for (const f of splitFrames(streamBytes(conn, 'c2s'), 7)) {
    const r = parseRequestFrame(f.body);
    if (r.kind === 'call') methods.set(r.header.callId, r.method);
  }
  const answers: { method: string; body: Obj }[] = [];
  for (const f of splitFrames(streamBytes(conn, 's2c'))) {
    const { header, rest } = parseResponseFrame(f.body);
    const method = methods.get(header.callId);
    if (!method || header.status !== 'SUCCESS') continue;
    answers.push({
      method,
      body: decodeDelimitedBody((APPLICATION_CLIENT_PROTOCOL.methods as Record<string, ProtocolMethod>)[method].response, rest, method),
    });
  }
  return answers;
}

describe('typed reports from the recorded Hadoop 3.3.6 answers', () => {
  it('reads the application reports of a killed application', () => {
    const reports = recordedAnswers('ipc', 'yarnclient-probe', '01-client-rm-8032-yarnclient.json')
      .filter((a) => a.method === 'getApplicationReport')
      .map((a) => applicationReportFromProto(a.body.application_report));
    const last = reports.at(-1)!;
    expect(last).toMatchObject({
      applicationId: 'application_1795373400808_0001',
      currentAttemptId: 'appattempt_1795373400808_0001_000001',
      state: 'KILLED',
      finalStatus: 'KILLED',
      user: 'root',
      queue: 'default',
      logAggregationStatus: 'DISABLED',
    });
    expect(last.timeouts).toEqual([{ type: 'LIFETIME', expiryTime: 'UNLIMITED', remainingTimeSeconds: -1 }]);
    expect(last.resourceUsage?.resourceSeconds).toHaveProperty('memory-mb');
  });

  it('reads an application refused at submission: attempt id -1 means no attempt', () => {
    const reports = recordedAnswers('ipc', 'errors', '01-client-rm-8032-yarnclient-errors.json')
      .filter((a) => a.method === 'getApplicationReport')
      .map((a) => applicationReportFromProto(a.body.application_report));
    expect(reports.at(-1)).toMatchObject({ state: 'FAILED', finalStatus: 'FAILED', currentAttemptId: undefined });
    expect(reports.at(-1)!.diagnostics).toContain('nosuchqueue');
  });

  it('reads node reports, cluster metrics and queue info', () => {
    const answers = recordedAnswers('ipc', 'distributedshell', '01-client-rm-8032.json');
    const nodes = answers.find((a) => a.method === 'getClusterNodes')!.body.nodeReports.map(nodeReportFromProto);
    expect(nodes).toEqual([expect.objectContaining({ nodeId: 'localhost:45454', state: 'RUNNING', httpAddress: 'localhost:8042' })]);
    expect(clusterMetricsFromProto(answers.find((a) => a.method === 'getClusterMetrics')!.body.cluster_metrics).numNodeManagers).toBe(1);
    const queue = queueInfoFromProto(answers.find((a) => a.method === 'getQueueInfo')!.body.queueInfo);
    expect(queue).toMatchObject({ queueName: 'default', state: 'RUNNING' });
    expect(queue.capacity).toBeGreaterThan(0);
  });
});
