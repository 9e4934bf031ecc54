// Opt-in, against the Kerberized real Hadoop of ../shared/tools/real-hadoop-secure.sh: with
// LOOM_SECURE_HADOOP_CONF_DIR set (and KRB5_CONFIG pointing at its krb5.conf), the identity built
// from that configuration gets tickets for the ResourceManager and for WebHDFS (SPNEGO) from the real
// KDC, once from a kinit cache (KRB5CCNAME) and once from LOOM_SECURE_KEYTAB (root@LOOM.TEST's keytab).
import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../../../client/conf/configuration.js';
import { LoomConfig } from '../../../../../client/conf/loom-config.js';
import { kerberosIdentityFromConf } from '../../../../../client/hadoop/kerberos-identity-from-conf.js';
import { replaceHostPattern } from '../../../../../client/wire/kerberos/identity/host-pattern.js';

const confDir = process.env.LOOM_SECURE_HADOOP_CONF_DIR;
const keytab = process.env.LOOM_SECURE_KEYTAB;

describe.skipIf(!confDir)('Kerberos identity against the real secure Hadoop', () => {
  const services = (conf: Configuration) => [
    replaceHostPattern(conf.getTrimmed('yarn.resourcemanager.principal') ?? '', 'localhost'),
    replaceHostPattern(conf.getTrimmed('dfs.web.authentication.kerberos.principal') ?? 'HTTP/_HOST@LOOM.TEST', 'localhost'),
  ];

  it.skipIf(!process.env.KRB5CCNAME)('from the ticket cache kinit filled', async () => {
    const conf = Configuration.load({ confDir: confDir ?? '' });
    const identity = kerberosIdentityFromConf(conf);
    expect(identity?.principal).toMatch(/@LOOM\.TEST$/);
    for (const service of services(conf)) expect((await identity?.serviceTicket(service))?.server.realm).toBe('LOOM.TEST');
  });

  it.skipIf(!keytab)('from a keytab', async () => {
    const conf = Configuration.load({ confDir: confDir ?? '' });
    const loomConf = LoomConfig.empty()
      .set('security.kerberos.login.keytab', keytab ?? '')
      .set('security.kerberos.login.principal', 'root@LOOM.TEST');
    const identity = kerberosIdentityFromConf(conf, { loomConf });
    expect(identity?.principal).toBe('root@LOOM.TEST');
    for (const service of services(conf)) expect((await identity?.serviceTicket(service))?.server.realm).toBe('LOOM.TEST');
  });
});
