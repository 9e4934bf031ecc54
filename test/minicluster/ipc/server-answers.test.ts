import { afterEach, describe, expect, it } from 'vitest';
import { streamBytes } from '../../support/fixtures.js';
import type { RpcServer } from '../../../minicluster/ipc/rpc-server.js';
import { parseResponseFrame, type RpcResponseHeader } from '../../../client/wire/ipc/rpc-messages.js';
import { splitErrorMsg } from '../../../client/wire/ipc/remote-exception.js';
import { recording, framesOf } from '../../client/wire/ipc/recorded-connection.js';
import { ACP, AMP, exchangeRaw, startServer } from '../../client/wire/ipc/server-support.js';

// Our server, fed the raw client bytes Hadoop's RM received in errors/03..08, answers with the
// same headers (status, errorDetail, class, call id, client id, retry count, message).

let server: RpcServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const rmClientProtocol = {
  protocol: {
    name: ACP,
    methods: {
      getClusterMetrics: { request: 'hadoop.yarn.GetClusterMetricsRequestProto', response: 'hadoop.yarn.GetClusterMetricsResponseProto' },
      getApplicationReport: {
        request: 'hadoop.yarn.GetApplicationReportRequestProto',
        response: 'hadoop.yarn.GetApplicationReportResponseProto',
      },
    },
  } as const,
  handlers: {
    getClusterMetrics: async () => ({ cluster_metrics: { num_node_managers: 1 } }),
    getApplicationReport: async () => ({}),
  },
};
const amProtocol = { protocol: { name: AMP, methods: {} }, handlers: {} };
const tokenAuth = { lookupPassword: () => undefined };

function comparable(h: RpcResponseHeader) {
  return {
    callId: h.callId,
    status: h.status,
    serverIpcVersionNum: h.serverIpcVersionNum,
    exceptionClassName: h.exceptionClassName,
    message: h.errorMsg === undefined ? undefined : splitErrorMsg(h.errorMsg).message,
    errorDetail: h.errorDetail,
    clientId: h.clientId?.toString('hex'),
    retryCount: h.retryCount,
  };
}

const cases: { path: string; port: 'client' | 'scheduler'; closes: boolean }[] = [
  { path: 'errors/03-raw-simple-on-8030', port: 'scheduler', closes: true },
  { path: 'errors/04-raw-unknown-method', port: 'client', closes: false },
  { path: 'errors/05-raw-unknown-protocol', port: 'client', closes: false },
  { path: 'errors/06-raw-bad-version', port: 'client', closes: true },
  { path: 'errors/07-raw-call-without-connection-context', port: 'client', closes: true },
  { path: 'errors/08-raw-malformed-request-body', port: 'client', closes: false },
];

describe('server answers the recorded raw clients like Hadoop 3.3.6', () => {
  it.each(cases)('$path', async ({ path, port, closes }) => {
    const started =
      port === 'scheduler'
        ? await startServer([amProtocol], { simple: false, token: tokenAuth })
        : await startServer([rmClientProtocol], { simple: true, token: tokenAuth });
    server = started.server;
    const rec = recording(path);
    const expected = framesOf(rec, 's2c').map((f) => comparable(parseResponseFrame(f).header));
    const answer = await exchangeRaw(started.port, streamBytes(rec, 'c2s'), closes ? Infinity : expected.length);
    expect(answer.frames.map((f) => comparable(parseResponseFrame(f).header))).toEqual(expected);
    expect(answer.closedByServer).toBe(closes);
  });

  it('answers a SASL NEGOTIATE on a SIMPLE+TOKEN port with TOKEN/DIGEST-MD5 and SIMPLE (errors/02)', async () => {
    const started = await startServer([rmClientProtocol], { simple: true, token: tokenAuth });
    server = started.server;
    const rec = recording('errors/02-raw-sasl-negotiate-on-8032');
    const answer = await exchangeRaw(started.port, streamBytes(rec, 'c2s'), 1);
    const ours = parseResponseFrame(answer.frames[0]);
    const theirs = parseResponseFrame(framesOf(rec, 's2c')[0]);
    expect(comparable(ours.header)).toEqual(comparable(theirs.header));
    // Same message layout; only the nonce in the challenge differs (40 characters each).
    expect(ours.rest.length).toBe(theirs.rest.length);
    const strip = (b: Buffer) => b.toString('latin1').replace(/nonce="[^"]*"/, 'nonce=""');
    expect(strip(ours.rest)).toBe(strip(theirs.rest));
  });
});
