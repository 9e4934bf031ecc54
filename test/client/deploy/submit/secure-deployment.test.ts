import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../../client/conf/configuration.js';
import { LoomConfig } from '../../../../client/conf/loom-config.js';
import { DeployContext } from '../../../../client/deploy/submit/deploy-context.js';
import { deployCluster } from '../../../../client/deploy/submit/cluster-deployer.js';
import { refuseSecureDeployment, SecureDeploymentUnsupportedError } from '../../../../client/deploy/submit/secure-deployment.js';

function hadoopConf(authentication?: string): Configuration {
  const conf = Configuration.withDefaults({});
  if (authentication) conf.set('hadoop.security.authentication', authentication);
  return conf;
}

describe('deploying to a Kerberized cluster', () => {
  it('is refused with the reason and what works instead', () => {
    expect(() => refuseSecureDeployment(hadoopConf('Kerberos'))).toThrow(SecureDeploymentUnsupportedError);
    expect(() => refuseSecureDeployment(hadoopConf('kerberos'))).toThrow(/delegation tokens.*`loom yarn` and `loom fs` work there/);
  });

  it('is allowed on a simple cluster', () => {
    expect(() => refuseSecureDeployment(hadoopConf())).not.toThrow();
    expect(() => refuseSecureDeployment(hadoopConf('simple'))).not.toThrow();
  });

  it('stops deployCluster before it talks to YARN or HDFS', async () => {
    const conf = hadoopConf('kerberos');
    // Unreachable addresses: a deployment that got past the check would fail on a connection instead.
    conf.set('fs.defaultFS', 'hdfs://127.0.0.1:1');
    conf.set('yarn.resourcemanager.address', '127.0.0.1:1');
    conf.set('yarn.resourcemanager.principal', 'rm/_HOST@EXAMPLE.COM');
    // A context whose clients would throw if touched: the refusal must come first.
    const ctx = Object.create(DeployContext.prototype) as DeployContext;
    const untouchable = new Proxy(
      {},
      {
        get: () => {
          throw new Error('a client was used before the refusal');
        },
      },
    );
    Object.assign(ctx, { hadoopConf: conf, conf: LoomConfig.empty(), log: () => undefined, yarn: untouchable, fs: untouchable });
    await expect(deployCluster(ctx, { mode: 'session' })).rejects.toBeInstanceOf(SecureDeploymentUnsupportedError);
  });
});
