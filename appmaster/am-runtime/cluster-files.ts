import { readFileSync } from 'node:fs';
import { LoomConfig } from '../../client/conf/loom-config.js';
import { LocalResourceNames } from '../../client/contracts/am-container-contract.js';
import { parseClusterSecret } from '../../client/contracts/cluster-secret.js';
import { localResourcePath, type AmEnvironment } from './am-environment.js';

/** The cluster's files the client shipped as local resources: its configuration and its secret. */
export interface ClusterFiles {
  config: LoomConfig;
  secret: string;
}

export function readClusterFiles(am: Pick<AmEnvironment, 'workDir'>): ClusterFiles {
  const configPath = localResourcePath(am, LocalResourceNames.config);
  const secretPath = localResourcePath(am, LocalResourceNames.secret);
  return {
    config: LoomConfig.fromYaml(readLocalResource(configPath, LocalResourceNames.config), configPath),
    secret: parseClusterSecret(readLocalResource(secretPath, LocalResourceNames.secret), secretPath),
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
