// krb5.conf's include and includedir (krb5.conf(5)) and KRB5_CONFIG's list of files, as loadKrb5Config reads them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKrb5Config } from '../../../../../client/wire/kerberos/kdc/kerberos-files.js';
import { KerberosConfigurationError } from '../../../../../client/wire/kerberos/kerberos-errors.js';

describe('krb5.conf include and includedir', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'loom-krb5conf-'));
    dirs.push(d);
    return d;
  };

  it('reads included files where they stand, the including file going on in its own section', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'conf.d', 'realm.conf'), '[realms]\n A.TEST = {\n  kdc = kdc1.a.test:88\n }\n');
    writeFileSync(join(dir, 'conf.d', 'more_kdcs'), '[realms]\n A.TEST = {\n  kdc = kdc2.a.test\n }\n');
    writeFileSync(join(dir, 'conf.d', '.hidden.conf'), '[libdefaults]\n default_realm = HIDDEN\n');
    writeFileSync(join(dir, 'conf.d', 'backup~'), '[libdefaults]\n default_realm = BACKUP\n');
    writeFileSync(join(dir, 'skew.conf'), '[libdefaults]\n clockskew = 60\n');
    writeFileSync(
      join(dir, 'krb5.conf'),
      `includedir ${dir}/conf.d\n[libdefaults]\n include ${dir}/skew.conf\n default_realm = A.TEST\n[domain_realm]\n .a.test = A.TEST\n`,
    );
    const config = loadKrb5Config({ KRB5_CONFIG: join(dir, 'krb5.conf') });
    expect(config.defaultRealm).toBe('A.TEST');
    expect(config.clockSkewSeconds).toBe(60);
    expect(config.realms['A.TEST']?.kdcs).toEqual([
      { host: 'kdc2.a.test', port: 88, protocol: undefined },
      { host: 'kdc1.a.test', port: 88, protocol: undefined },
    ]);
  });

  it('merges the files of KRB5_CONFIG, the first one winning', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'first.conf'), '[libdefaults]\n default_realm = FIRST.TEST\n');
    writeFileSync(join(dir, 'second.conf'), '[libdefaults]\n default_realm = SECOND.TEST\n ticket_lifetime = 1h\n');
    const config = loadKrb5Config({ KRB5_CONFIG: `${dir}/first.conf:${dir}/missing.conf:${dir}/second.conf` });
    expect(config.defaultRealm).toBe('FIRST.TEST');
    expect(config.ticketLifetimeSeconds).toBe(3600);
  });

  it('names the line of an include that cannot be read or is relative', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'krb5.conf'), `[libdefaults]\ninclude ${dir}/nope.conf\n`);
    expect(() => loadKrb5Config({ KRB5_CONFIG: join(dir, 'krb5.conf') })).toThrow(
      new RegExp(`^${dir}/krb5.conf line 2: include ${dir}/nope.conf: ENOENT`),
    );
    writeFileSync(join(dir, 'krb5.conf'), 'includedir conf.d\n');
    expect(() => loadKrb5Config({ KRB5_CONFIG: join(dir, 'krb5.conf') })).toThrow(KerberosConfigurationError);
  });
});
