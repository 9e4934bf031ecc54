// Loom's Kerberos client against a real MIT KDC: password and keytab logins, the messages of a
// wrong password and an unknown principal, a cache written by MIT kinit read by Loom and one
// written by Loom read by MIT klist, and a service ticket that the service's keytab decrypts.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptionType } from '../../../../../client/wire/kerberos/crypto/encryption-types.js';
import { KeyUsage } from '../../../../../client/wire/kerberos/crypto/key-usage.js';
import { isConfigEntry } from '../../../../../client/wire/kerberos/files/credential-cache.js';
import type { Krb5Config } from '../../../../../client/wire/kerberos/files/krb5-conf.js';
import {
  credentialCachePath,
  loadKrb5Config,
  readCredentialCache,
  readKeytab,
  writeCredentialCache,
} from '../../../../../client/wire/kerberos/kdc/kerberos-files.js';
import { loginToKdc, serviceTicket, toCachedCredential } from '../../../../../client/wire/kerberos/kdc/kerberos-login.js';
import { KerberosLoginError } from '../../../../../client/wire/kerberos/kerberos-errors.js';
import { parsePrincipal } from '../../../../../client/wire/kerberos/messages/principal-text.js';
import { decodeEncTicketPart, decodeTicket } from '../../../../../client/wire/kerberos/messages/ticket.js';
import { hasMitKdc, type MitKdc, REALM, startMitKdc } from './mit-kdc.js';

describe.skipIf(!hasMitKdc)('Loom against an MIT KDC', () => {
  let kdc: MitKdc;
  let config: Krb5Config;
  beforeAll(async () => {
    kdc = await startMitKdc();
    config = loadKrb5Config({ KRB5_CONFIG: kdc.krb5Conf });
  }, 60_000);
  afterAll(() => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed
    kdc?.stop();
  });

  const alice = () => parsePrincipal('alice', config.defaultRealm);

  it('logs in with a password (PA-ENC-TIMESTAMP after PREAUTH_REQUIRED) and gets a TGT', async () => {
    const tgt = await loginToKdc({ config, client: alice(), secret: { password: kdc.userPassword } });
    expect(tgt.client).toEqual({ realm: REALM, name: { nameType: 1, nameString: ['alice'] } });
    expect(tgt.server.name.nameString).toEqual(['krbtgt', REALM]);
    expect(tgt.sessionKey.keyType).toBe(18);
    expect(tgt.endTime.getTime()).toBeGreaterThan(Date.now());
  });

  it('says the password is wrong', async () => {
    const err = await loginToKdc({ config, client: alice(), secret: { password: 'not-it' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KerberosLoginError);
    expect((err as KerberosLoginError).message).toMatch(
      /^Kerberos login of alice@LOOM.TEST failed \[Password incorrect\]: the password is wrong/,
    );
    expect((err as KerberosLoginError).errorCode).toBe(24);
  });

  it('says the principal is unknown', async () => {
    const err = await loginToKdc({ config, client: parsePrincipal('nobody', REALM), secret: { password: 'x' } }).catch((e: unknown) => e);
    expect((err as KerberosLoginError).message).toBe(
      'Kerberos principal nobody@LOOM.TEST is unknown to the KDC of LOOM.TEST [Client not found in Kerberos database]; check the name and realm, or have it created (kadmin: addprinc)',
    );
    expect((err as KerberosLoginError).code).toBe('KERBEROS_LOGIN_FAILED');
  });

  it('logs in from a keytab, writes a cache that MIT klist lists, and gets a service ticket the service keytab decrypts', async () => {
    const bob = parsePrincipal('bob', REALM);
    const tgt = await loginToKdc({ config, client: bob, secret: { keytab: readKeytab(kdc.userKeytab) } });
    const cachePath = credentialCachePath({ KRB5CCNAME: `FILE:${kdc.dir}/loom.cc` });
    writeCredentialCache(cachePath, { defaultPrincipal: tgt.client, credentials: [toCachedCredential(tgt)] });
    const listed = execFileSync('klist', ['-c', cachePath], { env: kdc.env }).toString();
    expect(listed).toContain('Default principal: bob@LOOM.TEST');
    expect(listed).toContain(`krbtgt/${REALM}@${REALM}`);

    const ticket = await serviceTicket(config, tgt, parsePrincipal('HTTP/localhost', REALM));
    expect(ticket.server.name.nameString).toEqual(['HTTP', 'localhost']);
    const serviceKeys = readKeytab(kdc.serviceKeytab);
    const key = serviceKeys.find((e) => e.enctype === ticket.ticket.encPart.etype)!;
    const part = decodeEncTicketPart(encryptionType(key.enctype).decrypt(key.key, KeyUsage.KDC_REP_TICKET, ticket.ticket.encPart.cipher));
    expect(part.cname.nameString).toEqual(['bob']);
    expect(part.key.keyValue).toEqual(ticket.sessionKey.keyValue);
  });

  it('logs in over UDP when the request is under udp_preference_limit', async () => {
    const tgt = await loginToKdc({
      config: { ...config, udpPreferenceLimit: 1465 },
      client: alice(),
      secret: { password: kdc.userPassword },
    });
    expect(tgt.client.name.nameString).toEqual(['alice']);
  });

  it('says the clock is skewed when the KDC refuses our timestamp', async () => {
    const hourAhead = () => new Date(Date.now() + 3600_000);
    const err = await loginToKdc({ config, client: alice(), secret: { password: kdc.userPassword }, now: hourAhead }).catch(
      (e: unknown) => e,
    );
    expect((err as KerberosLoginError).errorCode).toBe(37);
    expect((err as KerberosLoginError).message).toMatch(
      /^Kerberos clock skew too great: this machine's clock is 3[56]\d\d s ahead of the KDC of LOOM.TEST/,
    );
  });

  it('says the ticket has expired instead of sending it', async () => {
    const tgt = await loginToKdc({ config, client: alice(), secret: { password: kdc.userPassword } });
    const later = () => new Date(tgt.endTime.getTime() + 1000);
    await expect(serviceTicket(config, tgt, parsePrincipal('HTTP/localhost', REALM), { now: later })).rejects.toThrow(
      /^Kerberos ticket of alice@LOOM.TEST expired at .* \[Ticket expired\]; log in again/,
    );
  });

  it('names the service principal the KDC does not know', async () => {
    const tgt = await loginToKdc({ config, client: alice(), secret: { password: kdc.userPassword } });
    await expect(serviceTicket(config, tgt, parsePrincipal('HTTP/nowhere', REALM))).rejects.toThrow(
      /^Kerberos service principal HTTP\/nowhere@LOOM.TEST is unknown to the KDC of LOOM.TEST/,
    );
  });

  it('names the KDCs it tried when none answers', async () => {
    const closed = { ...config, realms: { [REALM]: { kdcs: [{ host: '127.0.0.1', port: 1, protocol: 'tcp' as const }] } } };
    await expect(loginToKdc({ config: closed, client: alice(), secret: { password: 'x' }, timeoutMs: 2000 })).rejects.toThrow(
      /^no KDC of realm LOOM.TEST answered \(tcp\/127.0.0.1:1: .*ECONNREFUSED/,
    );
  });

  it('reads the cache MIT kinit writes', () => {
    const cachePath = `${kdc.dir}/kinit.cc`;
    execFileSync('kinit', ['-c', `FILE:${cachePath}`, 'alice'], { env: kdc.env, input: `${kdc.userPassword}\n` });
    const cache = readCredentialCache(cachePath);
    expect(cache.defaultPrincipal).toEqual({ realm: REALM, name: { nameType: 1, nameString: ['alice'] } });
    const tgt = cache.credentials.find((c) => !isConfigEntry(c))!;
    expect(tgt.server.name.nameString).toEqual(['krbtgt', REALM]);
    expect(decodeTicket(tgt.ticket).realm).toBe(REALM);
    expect(tgt.endTime).toBeGreaterThan(Date.now() / 1000);
  });
});
