import { existsSync, readFileSync } from 'node:fs';
import { LoomConfig } from '../../client/conf/loom-config.js';
import { LocalResourceNames } from '../../client/contracts/am-container-contract.js';
import { parseClusterSecret } from '../../client/contracts/cluster-secret.js';
import { localResourcePath, type AmEnvironment } from './am-environment.js';

/** The cluster's files the client shipped as local resources: its configuration, its secret and (internal TLS) its certificate and key. */
export interface ClusterFiles {
  config: LoomConfig;
  secret: string;
  /** Present when security.ssl.internal.enabled was on at submission: the AM serves REST and gRPC over TLS with it. */
  tls?: InternalTlsFiles;
}

export interface InternalTlsFiles {
  certificatePem: string;
  privateKeyPem: string;
}

export function readClusterFiles(am: Pick<AmEnvironment, 'workDir'>): ClusterFiles {
  const configPath = localResourcePath(am, LocalResourceNames.config);
  const secretPath = localResourcePath(am, LocalResourceNames.secret);
  // The client registers the certificate exactly when internal TLS is on, and the NodeManager
  // links every local resource or fails the container: its presence is the switch.
  const certificatePath = localResourcePath(am, LocalResourceNames.tlsCertificate);
  const tls = existsSync(certificatePath)
    ? {
        certificatePem: readLocalResource(certificatePath, LocalResourceNames.tlsCertificate),
        privateKeyPem: readLocalResource(localResourcePath(am, LocalResourceNames.tlsKey), LocalResourceNames.tlsKey),
      }
    : undefined;
  return {
    config: LoomConfig.fromYaml(readLocalResource(configPath, LocalResourceNames.config), configPath),
    secret: parseClusterSecret(readLocalResource(secretPath, LocalResourceNames.secret), secretPath),
    ...(tls ? { tls } : {}),
  };
}

function readLocalResource(path: string, name: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read the local resource ${name} at ${path}: ${(err as Error).message}; ` +
        `the submitting client registers it and the NodeManager links it into the container's working directory`,
      { cause: err },
    );
  }
}
