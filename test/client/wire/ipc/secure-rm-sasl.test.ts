// Against a real Kerberized Hadoop (opt-in: LOOM_SECURE_HADOOP_CONF_DIR, see
// ../shared/tools/real-hadoop-secure.sh): Loom logs in with root's keytab, gets a ticket for the
// RM's principal and runs SASL KERBEROS/GSSAPI with the real ResourceManager (127.0.0.1:8032,
// hadoop.rpc.protection=privacy) up to its SUCCESS, with auth-conf negotiated, then a
// getApplications call whose request and response travel sealed. Environment:
// LOOM_SECURE_KRB5_CONFIG (default /tmp/krb/krb5.conf), LOOM_SECURE_KEYTAB (default
// /tmp/krb/keytabs/root.keytab), LOOM_SECURE_RM (default 127.0.0.1:8032).
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { KerberosIdentity } from '../../../../client/wire/kerberos/identity/kerberos-identity.js';
import { loadKrb5Config, readKeytab } from '../../../../client/wire/kerberos/kdc/kerberos-files.js';
import { loginToKdc, serviceTicket } from '../../../../client/wire/kerberos/kdc/kerberos-login.js';
import { parsePrincipal } from '../../../../client/wire/kerberos/messages/principal-text.js';
import { FrameDecoder } from '../../../../client/wire/ipc/frame-decoder.js';
import { AuthProtocol, buildPreamble } from '../../../../client/wire/ipc/preamble.js';
import {
  buildCallFrame,
  buildContextFrame,
  buildSaslFrame,
  parseResponseFrame,
  parseSaslMessage,
} from '../../../../client/wire/ipc/rpc-messages.js';
import { UnwrappedFrames, wrapRequestFrames } from '../../../../client/wire/ipc/sasl-wrapped-frames.js';
import { SaslClientSession, type SaslStep } from '../../../../client/wire/ipc/sasl-client-session.js';

const confDir = process.env.LOOM_SECURE_HADOOP_CONF_DIR;

describe.skipIf(!confDir)('SASL KERBEROS with the real secure ResourceManager', () => {
  it('reaches SUCCESS with auth-conf (hadoop.rpc.protection=privacy)', async () => {
    const config = loadKrb5Config({ KRB5_CONFIG: process.env.LOOM_SECURE_KRB5_CONFIG ?? '/tmp/krb/krb5.conf' });
    const keytab = readKeytab(process.env.LOOM_SECURE_KEYTAB ?? '/tmp/krb/keytabs/root.keytab');
    const client = parsePrincipal('root', config.defaultRealm);
    const tgt = await loginToKdc({ config, client, secret: { keytab } });
    const identity: KerberosIdentity = {
      principal: `root@${client.realm}`,
      serviceTicket: (service) => serviceTicket(config, tgt, parsePrincipal(service, client.realm)),
    };
    const [host, port] = (process.env.LOOM_SECURE_RM ?? '127.0.0.1:8032').split(':');
    const peer = `${host}:${port}`;
    const session = new SaslClientSession(undefined, peer, undefined, 'privacy', { identity, principal: `rm/_HOST@${client.realm}`, host });
    await session.prepare();
    const socket = new Socket();
    const states: string[] = [];
    try {
      const step = await new Promise<SaslStep>((resolve, reject) => {
        const frames = new FrameDecoder(1 << 20, `response from ${peer}`);
        socket.on('error', reject);
        socket.on('close', () => reject(new Error(`the RM closed the connection after ${states.join(' ')}`)));
        socket.on('data', (chunk) => {
          try {
            for (const frame of frames.push(chunk)) {
              const { header, rest } = parseResponseFrame(frame);
              if (header.status !== 'SUCCESS') throw new Error(`RM error ${header.exceptionClassName ?? ''}: ${header.errorMsg ?? ''}`);
              const message = parseSaslMessage(rest);
              states.push(`<${message.state}`);
              const next = session.receive(message);
              if (next.kind === 'send') {
                states.push(`>${next.message.state}`);
                socket.write(buildSaslFrame(next.message));
              } else resolve(next);
            }
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        socket.connect(Number(port), host, () => {
          states.push('>NEGOTIATE');
          socket.write(Buffer.concat([buildPreamble(AuthProtocol.SASL), buildSaslFrame(session.start())]));
        });
      });
      expect(states).toEqual(['>NEGOTIATE', '<NEGOTIATE', '>INITIATE', '<CHALLENGE', '>RESPONSE', '<CHALLENGE', '>RESPONSE', '<SUCCESS']);
      expect(step.kind === 'done' && step.securityLayer?.qop).toBe('auth-conf');
      const layer = step.kind === 'done' ? step.securityLayer : undefined;
      if (!layer) throw new Error('no security layer');
      // Then a real call through the layer: the connection context and getApplications, wrapped as Hadoop's SaslRpcClient does.
      const protocol = 'org.apache.hadoop.yarn.api.ApplicationClientProtocolPB';
      const clientId = Buffer.alloc(16, 7);
      socket.removeAllListeners('data');
      const reply = await new Promise<{ status: string; bytes: number }>((resolve, reject) => {
        const outer = new FrameDecoder(1 << 24, `response from ${peer}`);
        const inner = new UnwrappedFrames(layer, 1 << 24, `response from ${peer}`);
        socket.on('data', (chunk) => {
          try {
            for (const frame of outer.push(chunk)) {
              for (const plain of inner.push(parseSaslMessage(parseResponseFrame(frame).rest))) {
                const { header, rest } = parseResponseFrame(plain);
                if (header.callId === 0) resolve({ status: header.status, bytes: rest.length });
              }
            }
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        socket.write(wrapRequestFrames(layer, buildContextFrame(clientId, protocol)));
        socket.write(
          wrapRequestFrames(layer, buildCallFrame({ callId: 0, clientId, protocol, method: 'getApplications', body: new Uint8Array(0) })),
        );
      });
      expect(reply.status).toBe('SUCCESS');
    } finally {
      socket.destroy();
    }
  }, 60_000);
});
