import type { Configuration } from '../../conf/configuration.js';
import { ConfigurationError } from '../../conf/configuration-error.js';

/**
 * A Loom cluster cannot be deployed to a Kerberized Hadoop cluster yet: inside YARN the AM and
 * TaskExecutors have no Kerberos login (as Hadoop intends) and need the HDFS and RM delegation
 * tokens the client would put in the AM's ContainerLaunchContext, which Loom does not obtain yet.
 * Refused before anything is uploaded or submitted, rather than an AM that fails on its first
 * HDFS read. `loom yarn` and `loom fs` do work there (kinit or a keytab).
 */
export class SecureDeploymentUnsupportedError extends ConfigurationError {
  static override readonly code: string = 'SECURE_DEPLOYMENT_UNSUPPORTED';
  constructor(message: string) {
    super(message, 'hadoop.security.authentication');
    this.name = 'SecureDeploymentUnsupportedError';
  }
}

export function refuseSecureDeployment(hadoopConf: Configuration): void {
  const authentication = (hadoopConf.getTrimmed('hadoop.security.authentication') ?? 'simple').toLowerCase();
  if (authentication !== 'kerberos') return;
  throw new SecureDeploymentUnsupportedError(
    'deploying a Loom cluster to a Kerberized Hadoop cluster (hadoop.security.authentication=kerberos) is not supported yet: ' +
      'the ApplicationMaster and TaskExecutors need HDFS and ResourceManager delegation tokens, which Loom does not obtain yet. ' +
      '`loom yarn` and `loom fs` work there after kinit or with security.kerberos.login.keytab; deploy to a cluster with simple authentication meanwhile',
  );
}
