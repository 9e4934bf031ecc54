// MIT's keytab and FILE credential cache formats, and krb5.conf's profile syntax. The files MIT's
// own tools write are read in test/client/wire/kerberos/kdc/ against a real KDC.
import { describe, expect, it } from 'vitest';
import { KerberosConfigurationError, KerberosFormatError } from '../../../../client/wire/kerberos/kerberos-errors.js';
import {
  type CachedCredential,
  decodeCredentialCache,
  encodeCredentialCache,
  isConfigEntry,
} from '../../../../client/wire/kerberos/files/credential-cache.js';
import { decodeKeytab, encodeKeytab, type KeytabEntry } from '../../../../client/wire/kerberos/files/keytab.js';
import { parseKrb5Conf, parseKrb5Duration, realmForHost } from '../../../../client/wire/kerberos/files/krb5-conf.js';

const entry: KeytabEntry = {
  realm: 'EXAMPLE.COM',
  principal: { nameType: 1, nameString: ['HTTP', 'host.example.com'] },
  timestamp: 1_765_000_000,
  kvno: 300,
  enctype: 18,
  key: Buffer.alloc(32, 7),
};

describe('keytab', () => {
  it('round-trips entries, the 32-bit kvno superseding the 8-bit one', () => {
    const bytes = encodeKeytab([entry, { ...entry, kvno: 2, enctype: 17, key: Buffer.alloc(16, 1) }]);
    expect(bytes.subarray(0, 2).toString('hex')).toBe('0502');
    expect(decodeKeytab(bytes)).toEqual([entry, { ...entry, kvno: 2, enctype: 17, key: Buffer.alloc(16, 1) }]);
  });

  it('reads an entry without the 32-bit kvno, and skips holes', () => {
    const full = encodeKeytab([{ ...entry, kvno: 5 }]);
    const size = full.readInt32BE(2);
    const withoutKvno32 = Buffer.concat([full.subarray(0, 2), Buffer.from([0, 0, 0, size - 4]), full.subarray(6, full.length - 4)]);
    const hole = Buffer.from([0xff, 0xff, 0xff, 0xfa, 0, 0, 0, 0, 0, 0]);
    const bytes = Buffer.concat([withoutKvno32.subarray(0, 2), hole, withoutKvno32.subarray(2)]);
    expect(decodeKeytab(bytes)).toEqual([{ ...entry, kvno: 5 }]);
  });

  it('refuses what is not a v2 keytab', () => {
    expect(() => decodeKeytab(Buffer.from('0501', 'hex'))).toThrow(/0x0501 .* not supported/);
    expect(() => decodeKeytab(Buffer.from('1234', 'hex'))).toThrow(KerberosFormatError);
    expect(() => decodeKeytab(encodeKeytab([entry]).subarray(0, 20))).toThrow(/keytab: cut short/);
  });
});

const credential: CachedCredential = {
  client: { realm: 'EXAMPLE.COM', name: { nameType: 1, nameString: ['alice'] } },
  server: { realm: 'EXAMPLE.COM', name: { nameType: 2, nameString: ['krbtgt', 'EXAMPLE.COM'] } },
  keyType: 18,
  key: Buffer.alloc(32, 3),
  authTime: 1_765_000_000,
  startTime: 1_765_000_000,
  endTime: 1_765_086_400,
  renewTill: 0,
  isSessionKeyTicket: false,
  flags: 0x40e10000,
  addresses: [],
  authData: [],
  ticket: Buffer.from('6100', 'hex'),
  secondTicket: Buffer.alloc(0),
};

describe('credential cache', () => {
  it('round-trips a v4 cache with the KDC time offset', () => {
    const cache = { defaultPrincipal: credential.client, timeOffset: { seconds: -3, microseconds: 250 }, credentials: [credential] };
    const bytes = encodeCredentialCache(cache);
    expect(bytes.subarray(0, 2).toString('hex')).toBe('0504');
    expect(decodeCredentialCache(bytes)).toEqual(cache);
    expect(isConfigEntry(credential)).toBe(false);
  });

  it('refuses other versions and cut files', () => {
    expect(() => decodeCredentialCache(Buffer.from('0502', 'hex'))).toThrow(/version 0x502 is not supported/);
    const bytes = encodeCredentialCache({ defaultPrincipal: credential.client, credentials: [credential] });
    expect(() => decodeCredentialCache(bytes.subarray(0, bytes.length - 3))).toThrow(KerberosFormatError);
  });
});

describe('krb5.conf', () => {
  const conf = `
# a comment
[libdefaults]
  default_realm = EXAMPLE.COM
  dns_lookup_kdc = false
  udp_preference_limit = 1
  clockskew = 5m
  ticket_lifetime = 10h
  renew_lifetime = 7d

[realms]
  EXAMPLE.COM = {
    kdc = kdc1.example.com:8888
    kdc = tcp/[::1]:750
    kdc = kdc3.example.com
    admin_server = kdc1.example.com
  }
  OTHER.ORG = {
    kdc = 127.0.0.1:1088
  }

[domain_realm]
  .other.org = OTHER.ORG
  special.example.com = OTHER.ORG
`;
  it('reads libdefaults, realms with their KDCs, and domain_realm', () => {
    const c = parseKrb5Conf(conf);
    expect(c).toMatchObject({
      defaultRealm: 'EXAMPLE.COM',
      dnsLookupKdc: false,
      udpPreferenceLimit: 1,
      clockSkewSeconds: 300,
      ticketLifetimeSeconds: 36000,
      renewLifetimeSeconds: 604800,
    });
    expect(c.realms['EXAMPLE.COM']!.kdcs).toEqual([
      { host: 'kdc1.example.com', port: 8888, protocol: undefined },
      { host: '::1', port: 750, protocol: 'tcp' },
      { host: 'kdc3.example.com', port: 88, protocol: undefined },
    ]);
    expect(c.realms['OTHER.ORG']!.kdcs).toEqual([{ host: '127.0.0.1', port: 1088, protocol: undefined }]);
    expect(realmForHost(c, 'nn.other.org')).toBe('OTHER.ORG');
    expect(realmForHost(c, 'special.example.com')).toBe('OTHER.ORG');
    expect(realmForHost(c, 'rm.example.com')).toBe('EXAMPLE.COM');
  });

  it('keeps MIT defaults when libdefaults says nothing', () => {
    expect(parseKrb5Conf('')).toMatchObject({
      udpPreferenceLimit: 1465,
      clockSkewSeconds: 300,
      ticketLifetimeSeconds: 86400,
      dnsLookupKdc: false,
    });
  });

  it('names the line of a mistake', () => {
    expect(() => parseKrb5Conf('[realms]\nX = {\n kdc = a\n', '/etc/krb5.conf')).toThrow('/etc/krb5.conf: a "{" is never closed');
    expect(() => parseKrb5Conf('kdc = a')).toThrow('krb5.conf line 1: "kdc = a" comes before any [section] header');
    expect(() => parseKrb5Conf('includedir /etc/krb5.conf.d/')).toThrow(KerberosConfigurationError);
    expect(() => parseKrb5Conf('[libdefaults]\nclockskew = soon')).toThrow(/clockskew = soon is not a duration/);
    expect(parseKrb5Duration('1:30', 'x')).toBe(5400);
    expect(parseKrb5Duration('1d2h3m4s', 'x')).toBe(93784);
  });
});
