// The GSS-API context with a real ticket: an MIT KDC issues alice a ticket for rm/localhost,
// whose keytab kadmin.local exports; Loom's initiator and acceptor then talk through it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptSecurityContext } from '../../../../../client/wire/kerberos/gss/gss-acceptor.js';
import { initiateSecurityContext } from '../../../../../client/wire/kerberos/gss/gss-initiator.js';
import { KerberosIntegrityError } from '../../../../../client/wire/kerberos/kerberos-errors.js';
import type { Krb5Config } from '../../../../../client/wire/kerberos/files/krb5-conf.js';
import { loadKrb5Config, readKeytab } from '../../../../../client/wire/kerberos/kdc/kerberos-files.js';
import { loginToKdc, serviceTicket } from '../../../../../client/wire/kerberos/kdc/kerberos-login.js';
import { parsePrincipal } from '../../../../../client/wire/kerberos/messages/principal-text.js';
import { hasMitKdc, type MitKdc, REALM, startMitKdc } from '../kdc/mit-kdc.js';

describe.skipIf(!hasMitKdc)('GSS-API with an MIT KDC ticket', () => {
  let kdc: MitKdc;
  let config: Krb5Config;
  let rmKeytab: string;
  beforeAll(async () => {
    kdc = await startMitKdc();
    config = loadKrb5Config({ KRB5_CONFIG: kdc.krb5Conf });
    rmKeytab = join(kdc.dir, 'rm.keytab');
    const kadmin = (q: string) => execFileSync('kadmin.local', ['-r', REALM, '-q', q], { env: kdc.env, stdio: 'pipe' });
    kadmin(`addprinc -randkey rm/localhost@${REALM}`);
    kadmin(`ktadd -k ${rmKeytab} rm/localhost@${REALM}`);
  }, 60_000);
  afterAll(() => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed
    kdc?.stop();
  });

  it('establishes a mutual context and protects messages both ways; a tampered token is refused', async () => {
    const tgt = await loginToKdc({ config, client: parsePrincipal('alice', REALM), secret: { password: kdc.userPassword } });
    const ticket = await serviceTicket(config, tgt, parsePrincipal('rm/localhost', REALM));
    const initiator = initiateSecurityContext(ticket, { mutual: true });
    const acceptor = acceptSecurityContext(initiator.initialToken, { keytab: readKeytab(rmKeytab) });
    expect(acceptor.initiator).toBe(`alice@${REALM}`);
    expect(acceptor.service).toBe(`rm/localhost@${REALM}`);
    initiator.accept(acceptor.replyToken ?? Buffer.alloc(0));
    for (const confidential of [true, false]) {
      expect(acceptor.unwrap(initiator.wrap(Buffer.from('to the rm'), confidential)).message.toString()).toBe('to the rm');
      expect(initiator.unwrap(acceptor.wrap(Buffer.from('to alice'), confidential)).message.toString()).toBe('to alice');
    }
    const tampered = initiator.wrap(Buffer.from('to the rm'), true);
    tampered[tampered.length - 1] ^= 0x80;
    expect(() => acceptor.unwrap(tampered)).toThrow(KerberosIntegrityError);
  });
});
