import { afterEach, describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../../support/fixtures.js';
import { RpcConnection } from '../../../../client/wire/ipc/rpc-connection.js';
import type { RpcProtection } from '../../../../client/wire/ipc/ipc-options.js';
import type { DigestQop } from '../../../../client/wire/security/digest-md5-security-layer.js';
import type { RpcServer } from '../../../../minicluster/ipc/rpc-server.js';
import { ACP, exchangeRaw, startServer } from './server-support.js';
import { AuthProtocol, buildPreamble } from '../../../../client/wire/ipc/preamble.js';
import { buildContextFrame, buildSaslFrame, parseResponseFrame, parseSaslMessage } from '../../../../client/wire/ipc/rpc-messages.js';

const REPORT_REQ = 'hadoop.yarn.GetApplicationReportRequestProto';
const REPORT_RSP = 'hadoop.yarn.GetApplicationReportResponseProto';

const servers: RpcServer[] = [];
const clients: RpcConnection[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const vector = readFixtureJson('ipc', 'sasl-digest-md5-vectors.json').cases[0];
const TOKEN = {
  identifier: Buffer.from(vector.token_identifier_hex, 'hex'),
  password: Buffer.from(vector.token_password_hex, 'hex'),
  kind: 'YARN_AM_RM_TOKEN',
  service: '',
};
const KNOWN: Record<string, string> = { [TOKEN.identifier.toString('base64')]: TOKEN.password.toString('base64') };

const descriptor = {
  name: ACP,
  methods: { getApplicationReport: { request: REPORT_REQ, response: REPORT_RSP, idempotent: true } },
} as const;

/** A token-only server whose answer carries a diagnostics text as long as the request asks (id = length). */
async function protectedServer(qops: DigestQop[]) {
  const started = await startServer(
    [
      {
        protocol: descriptor,
        handlers: {
          getApplicationReport: async (req: any) => ({
            application_report: { applicationId: req.application_id, diagnostics: 'd'.repeat(req.application_id.id) },
          }),
        },
      },
    ],
    { simple: false, token: { lookupPassword: (u: string) => KNOWN[u] }, qops },
  );
  servers.push(started.server);
  return started.port;
}

function connection(port: number, rpcProtection: RpcProtection) {
  const c = new RpcConnection({
    host: '127.0.0.1',
    port,
    protocol: ACP,
    auth: { kind: 'token', token: TOKEN },
    connectMaxRetries: 0,
    rpcProtection,
  });
  clients.push(c);
  return c;
}

const report = (c: RpcConnection, id: number) =>
  c.call('getApplicationReport', REPORT_REQ, { application_id: { id, cluster_timestamp: 1 } }, REPORT_RSP);

describe('hadoop.rpc.protection over DIGEST-MD5 (client and mini cluster server)', () => {
  for (const [protection, qop] of [
    ['integrity', 'auth-int'],
    ['privacy', 'auth-conf'],
  ] as const) {
    it(`${protection}: concurrent calls and answers larger than one wrapped token arrive intact`, async () => {
      const port = await protectedServer([qop]);
      const c = connection(port, protection);
      // 200 KiB answers span several WRAP tokens; 50 calls in one turn share WRAP tokens.
      const sizes = [1, 200 * 1024, ...Array.from({ length: 50 }, (_, i) => 10 + i)];
      const answers = await Promise.all(sizes.map((n) => report(c, n)));
      expect(answers.map((a) => a.application_report!.diagnostics!.length)).toEqual(sizes);
    });
  }

  it('authentication against an authentication server still sends bare frames', async () => {
    const port = await protectedServer(['auth']);
    expect((await report(connection(port, 'authentication'), 7)).application_report!.diagnostics).toBe('d'.repeat(7));
  });

  it('a client whose protection the server does not offer is refused, with what to set', async () => {
    const privacyOnly = await protectedServer(['auth-conf']);
    await expect(report(connection(privacyOnly, 'authentication'), 1)).rejects.toThrow(
      /No common protection layer between client and server: the server offers qop \[auth-conf\] \(hadoop\.rpc\.protection=privacy\) and the client asks for \[auth\]/,
    );
    const authOnly = await protectedServer(['auth']);
    await expect(report(connection(authOnly, 'privacy'), 1)).rejects.toThrow(/No common protection layer/);
  });

  it('a privacy server offers auth-conf with 3des, and refuses a connection context sent before SASL', async () => {
    const port = await protectedServer(['auth-conf']);
    const neg = await exchangeRaw(port, Buffer.concat([buildPreamble(AuthProtocol.SASL), buildSaslFrame({ state: 'NEGOTIATE' })]), 1);
    const challenge = Buffer.from(parseSaslMessage(parseResponseFrame(neg.frames[0]).rest).auths![0].challenge!).toString();
    expect(challenge).toMatch(/qop="auth-conf",charset=utf-8,cipher="3des",algorithm=md5-sess$/);
    const r = await exchangeRaw(port, Buffer.concat([buildPreamble(AuthProtocol.SASL), buildContextFrame(Buffer.alloc(16), ACP)]));
    expect(r.closedByServer).toBe(true);
    expect(parseResponseFrame(r.frames[0]).header.status).toBe('FATAL');
  });
});
