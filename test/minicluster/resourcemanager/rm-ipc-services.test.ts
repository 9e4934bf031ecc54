import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  APPLICATION_CLIENT_PROTOCOL,
  APPLICATION_MASTER_PROTOCOL,
  type ProtocolMethod,
} from '../../../client/wire/codec/hadoop-protocols.js';
import { RpcClient } from '../../../client/wire/ipc/rpc-client.js';
import { decodeDelimitedBody, parseRequestFrame, parseResponseFrame } from '../../../client/wire/ipc/rpc-messages.js';
import { RpcServer } from '../../../minicluster/ipc/rpc-server.js';
import { amrmTokenAuth, applicationMasterService } from '../../../minicluster/resourcemanager/am-service.js';
import { applicationClientService } from '../../../minicluster/resourcemanager/client-service.js';
import { tokenProto } from '../../../minicluster/resourcemanager/rm-tokens.js';
import { ResourceManagerCore } from '../../../minicluster/resourcemanager/resource-manager-core.js';
import { readFixtureJson, streamBytes, type IpcConnectionFixture } from '../../support/fixtures.js';

/** Splits a byte stream (after the 7-byte preamble for c2s) into length-prefixed frames. */
function frames(buf: Buffer, offset: number): Buffer[] {
  const out: Buffer[] = [];
  while (offset + 4 <= buf.length) {
    const len = buf.readUInt32BE(offset);
    if (offset + 4 + len > buf.length) break;
    out.push(buf.subarray(offset + 4, offset + 4 + len));
    offset += 4 + len;
  }
  return out;
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

describe('ApplicationClientProtocol over the IPC server', () => {
  it('answers the recorded YarnClient byte stream with the recorded message types and outcomes', async () => {
    const conn = readFixtureJson<IpcConnectionFixture>('ipc', 'yarnclient-probe', '01-client-rm-8032-yarnclient.json');
    const c2s = streamBytes(conn, 'c2s');
    const recordedS2c = streamBytes(conn, 's2c');
    // Same cluster timestamp as the recording, so the client's app id (_0001) is ours too.
    const rm = new ResourceManagerCore({ config: { clusterTimestamp: 1795373400808 } });
    rm.registerNode({ port: 45454, httpPort: 8042, capability: { memory: 8192, virtual_cores: 8 } });
    const server = new RpcServer({ host: '127.0.0.1', port: 0, protocols: [applicationClientService(rm)], auth: { simple: true } });
    const { port } = await server.listen();
    stops.push(() => server.close());

    const calls = frames(c2s, 7)
      .map((f) => parseRequestFrame(f))
      .filter((r): r is Extract<ReturnType<typeof parseRequestFrame>, { kind: 'call' }> => r.kind === 'call');
    const methodOf = new Map(calls.map((c) => [c.header.callId, c.method]));

    const got = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const sock = connect(port, '127.0.0.1', () => sock.write(c2s));
      sock.on('data', (c) => {
        chunks.push(c);
        if (frames(Buffer.concat(chunks), 0).length >= calls.length) {
          sock.destroy();
          resolve(Buffer.concat(chunks));
        }
      });
      sock.on('error', reject);
    });

    const summarize = (bytes: Buffer) =>
      frames(bytes, 0).map((f) => {
        const { header, rest } = parseResponseFrame(f);
        const method = methodOf.get(header.callId)!;
        const type = (APPLICATION_CLIENT_PROTOCOL.methods as Record<string, ProtocolMethod>)[method].response;
        const body = header.status === 'SUCCESS' ? (decodeDelimitedBody(type, rest, method) as any) : undefined;
        return { callId: header.callId, method, status: header.status, body };
      });
    const ours = summarize(got);
    const recorded = summarize(recordedS2c);
    expect(ours.map((r) => [r.callId, r.method, r.status])).toEqual(recorded.map((r) => [r.callId, r.method, r.status]));
    expect(ours.length).toBe(calls.length);

    const pick = (rs: typeof ours, m: string) => rs.filter((r) => r.method === m).map((r) => r.body);
    expect(pick(ours, 'getNewApplication')[0]!.application_id).toEqual(pick(recorded, 'getNewApplication')[0]!.application_id);
    expect(pick(ours, 'forceKillApplication')).toEqual(pick(recorded, 'forceKillApplication'));
    const lastReport = (rs: typeof ours) => pick(rs, 'getApplicationReport').at(-1)!.application_report;
    const [o, r] = [lastReport(ours), lastReport(recorded)];
    for (const k of [
      'applicationId',
      'user',
      'queue',
      'name',
      'yarn_application_state',
      'final_application_status',
      'diagnostics',
      'trackingUrl',
      'applicationType',
      'applicationTags',
    ]) {
      expect(o[k], k).toEqual(r[k]);
    }
    expect(pick(ours, 'getClusterNodes')[0]!.nodeReports[0].nodeId).toEqual(pick(recorded, 'getClusterNodes')[0]!.nodeReports[0].nodeId);
  });
});

describe('ApplicationMasterProtocol over the IPC server', () => {
  it("authenticates with the attempt's AMRMToken, serves register/allocate/finish, and refuses the token afterwards", async () => {
    const rm = new ResourceManagerCore({ config: { clusterTimestamp: 1795373400808 } });
    const node = rm.registerNode({ port: 45454, httpPort: 8042, capability: { memory: 8192, virtual_cores: 8 } });
    rm.submitApplication(
      { application_id: { id: 1, cluster_timestamp: 1795373400808 }, resource: { memory: 512, virtual_cores: 1 } },
      'root',
    );
    rm.nodeHeartbeat(node);
    const launch = rm.takeAmLaunches()[0];
    rm.amContainerLaunched('container_1795373400808_0001_01_000001');
    const server = new RpcServer({ host: '127.0.0.1', port: 0, protocols: [applicationMasterService(rm)], auth: amrmTokenAuth(rm) });
    const address = await server.listen();
    stops.push(() => server.close());
    const client = new RpcClient();
    stops.push(() => client.close());
    const am = client.proxy(address, APPLICATION_MASTER_PROTOCOL, { kind: 'token', token: tokenProto(launch.amrmToken) });

    await expect(am.invoke('allocate', { response_id: 0 })).rejects.toMatchObject({
      className: 'org.apache.hadoop.yarn.exceptions.ApplicationMasterNotRegisteredException',
    });
    const reg = await am.invoke('registerApplicationMaster', { host: '127.0.0.1', rpc_port: -1, tracking_url: '' });
    expect(reg.queue).toBe('default');
    const alloc = await am.invoke('allocate', { response_id: 0 });
    expect(alloc.response_id).toBe(1);
    expect((await am.invoke('finishApplicationMaster', { final_application_status: 'APP_SUCCEEDED' })).isUnregistered).toBe(false);
    expect((await am.invoke('finishApplicationMaster', { final_application_status: 'APP_SUCCEEDED' })).isUnregistered).toBe(true);

    // The finished attempt's token no longer authenticates a new connection.
    const fresh = new RpcClient();
    stops.push(() => fresh.close());
    const again = fresh.proxy(address, APPLICATION_MASTER_PROTOCOL, { kind: 'token', token: tokenProto(launch.amrmToken) });
    const refused = await again.invoke('allocate', { response_id: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ className: 'org.apache.hadoop.security.token.SecretManager$InvalidToken' });
  });
});
