// The KERBEROS branch of the IPC client's SASL session against Loom's SASL GSSAPI server, message
// by message as Hadoop's SaslRpcClient/SaslRpcServer exchange them: NEGOTIATE -> INITIATE (GSS
// initial token) -> CHALLENGE (AP-REP) -> RESPONSE (empty) -> CHALLENGE (wrapped offer) ->
// RESPONSE (wrapped choice) -> SUCCESS; the principal check with _HOST; the token preferred when
// the server lists TOKEN first.
import { describe, expect, it } from 'vitest';
import type { KerberosIdentity } from '../../../../client/wire/kerberos/identity/kerberos-identity.js';
import type { RpcProtection } from '../../../../client/wire/ipc/ipc-options.js';
import { resolveServerPrincipal } from '../../../../client/wire/ipc/kerberos-sasl-auth.js';
import type { RpcSaslMessage, SaslAuth } from '../../../../client/wire/ipc/rpc-messages.js';
import { SaslClientSession } from '../../../../client/wire/ipc/sasl-client-session.js';
import { GssapiSaslServer, type SaslQop } from '../../../../client/wire/security/sasl-gssapi.js';
import { forgeServiceTicket } from '../kerberos/gss/forged-credential.js';

const KERBEROS: SaslAuth = { method: 'KERBEROS', mechanism: 'GSSAPI', protocol: 'rm', serverId: 'localhost' };
const TOKEN_AUTH: SaslAuth = {
  method: 'TOKEN',
  mechanism: 'DIGEST-MD5',
  protocol: '',
  serverId: 'default',
  challenge: Buffer.from('realm="default",nonce="abc",qop="auth",charset=utf-8,algorithm=md5-sess'),
};

function setup(protection: RpcProtection, principal = 'rm/_HOST@EXAMPLE.COM', token = false) {
  const { credential, keytab } = forgeServiceTicket(18);
  const asked: string[] = [];
  const identity: KerberosIdentity = {
    principal: 'alice@EXAMPLE.COM',
    serviceTicket: (service) => {
      asked.push(service);
      return Promise.resolve(credential);
    },
  };
  const held = token ? { identifier: Buffer.from('id'), password: Buffer.from('pw'), kind: 'RM_DELEGATION_TOKEN', service: '' } : undefined;
  const session = new SaslClientSession(held, 'localhost:8032', undefined, protection, { identity, principal, host: 'localhost' });
  return { session, keytab, asked };
}

async function run(protection: RpcProtection, serverQops: SaslQop[]) {
  const { session, keytab, asked } = setup(protection);
  await session.prepare();
  expect(asked).toEqual(['rm/localhost@EXAMPLE.COM']);
  const server = new GssapiSaslServer(keytab, serverQops);
  const states: string[] = [];
  let step = session.receive({ state: 'NEGOTIATE', auths: [TOKEN_AUTH, KERBEROS] });
  for (;;) {
    if (step.kind !== 'send') break;
    const sent: RpcSaslMessage = step.message;
    states.push(sent.state);
    if (sent.state === 'INITIATE') expect(sent.auths).toEqual([KERBEROS]);
    const challenge = server.evaluateResponse(Buffer.from(sent.token ?? []));
    step = session.receive(challenge ? { state: 'CHALLENGE', token: challenge } : { state: 'SUCCESS' });
  }
  expect(states).toEqual(['INITIATE', 'RESPONSE', 'RESPONSE']);
  expect(step.kind).toBe('done');
  return { step, server };
}

describe('SASL session: KERBEROS (GSSAPI)', () => {
  it('reaches SUCCESS with privacy and wraps frames both ways', async () => {
    const { step, server } = await run('privacy', ['auth-conf']);
    if (step.kind !== 'done') throw new Error('not done');
    expect(step.securityLayer?.qop).toBe('auth-conf');
    const frame = Buffer.from('rpc frame');
    expect(server.securityLayer()?.unwrap(step.securityLayer?.wrap(frame) ?? Buffer.alloc(0))).toEqual(frame);
    expect(step.securityLayer?.unwrap(server.securityLayer()?.wrap(frame) ?? Buffer.alloc(0))).toEqual(frame);
  });

  it('integrity gives an auth-int layer, authentication none', async () => {
    const integrity = await run('integrity', ['auth-conf', 'auth-int', 'auth']);
    expect(integrity.step.kind === 'done' && integrity.step.securityLayer?.qop).toBe('auth-int');
    const authentication = await run('authentication', ['auth']);
    expect(authentication.step).toEqual({ kind: 'done' });
  });

  it('refuses a server whose principal is not the configured one, naming both', async () => {
    const { session } = setup('privacy');
    await session.prepare();
    expect(() => session.receive({ state: 'NEGOTIATE', auths: [{ ...KERBEROS, serverId: 'evil.example.com' }] })).toThrow(
      /^Server has invalid Kerberos principal: rm\/evil.example.com@EXAMPLE.COM, expecting: rm\/localhost@EXAMPLE.COM/,
    );
  });

  it('keeps using a held token when the server lists TOKEN first, as Hadoop does', async () => {
    const { session } = setup('authentication', 'rm/_HOST@EXAMPLE.COM', true);
    await session.prepare();
    const step = session.receive({ state: 'NEGOTIATE', auths: [TOKEN_AUTH, KERBEROS] });
    expect(step.kind === 'send' && step.message.auths?.[0]?.method).toBe('TOKEN');
  });

  it('replaces _HOST by the host name, and an IP address by its name when it has one', async () => {
    expect(await resolveServerPrincipal('nn/_HOST@R', 'NN1.Example.COM')).toBe('nn/nn1.example.com@R');
    expect(await resolveServerPrincipal('nn/fixed@R', '10.0.0.1')).toBe('nn/fixed@R');
    expect(await resolveServerPrincipal('rm/_HOST@R', '127.0.0.1')).toMatch(/^rm\/(localhost|127\.0\.0\.1)@R$/);
  });
});
