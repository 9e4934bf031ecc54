/**
 * Internal TLS at submission (security.ssl.internal.*, Flink's keys): whether it is on (unset: on
 * when the Hadoop cluster is secure, hadoop.security.authentication=kerberos, so the cluster secret
 * never crosses the wire in clear there), and the certificate and key the AM serves with. They
 * travel as the cluster secret does: owner-only files in the owner-only staging dir, APPLICATION
 * local resources the NodeManager links into the AM's container, so the key is never in the AM's
 * environment, command line or a world-readable file. The certificate also goes to TaskExecutors
 * (they pin it); the key only to the AM.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Configuration } from '../../conf/configuration.js';
import { ConfigurationError } from '../../conf/configuration-error.js';
import type { LoomConfig } from '../../conf/loom-config.js';
import { LoomOptions } from '../../conf/loom-config-options.js';
import { LocalResourceNames } from '../../contracts/am-container-contract.js';
import type { LocalResourceSpec } from '../../hadoop/yarn/container-launch-context.js';
import { OWNER_ONLY_FILE, writeFileWithMode } from '../../wire/security/local-file-modes.js';
import { PinnedCertificate } from '../../wire/security/pinned-certificate.js';
import { generateSelfSignedCertificate, type CertificateAndKey } from '../../wire/security/self-signed-certificate.js';
import type { ModeStaging } from './cluster-deployer.js';

/** security.ssl.internal.enabled, or when unset whether the Hadoop cluster is secure. */
export function internalTlsEnabled(conf: LoomConfig, hadoopConf: Configuration): boolean {
  return (
    conf.get(LoomOptions.sslInternalEnabled) ??
    hadoopConf.get('hadoop.security.authentication', 'simple').trim().toLowerCase() === 'kerberos'
  );
}

export interface StagedInternalTls {
  certificate: PinnedCertificate;
  /** The certificate and key as the AM's local resources. */
  resources: Record<string, LocalResourceSpec>;
}

/** Writes and stages the certificate and key when internal TLS is on; undefined when it is off. */
export async function stageInternalTls(
  conf: LoomConfig,
  hadoopConf: Configuration,
  staging: Pick<ModeStaging, 'applicationId' | 'localDir' | 'stageFile'>,
  clusterHosts: () => Promise<string[]>,
): Promise<StagedInternalTls | undefined> {
  if (!internalTlsEnabled(conf, hadoopConf)) return undefined;
  const material =
    (await userCertificate(conf)) ??
    generateSelfSignedCertificate({
      commonName: `Loom cluster ${staging.applicationId}`,
      hosts: ['localhost', '127.0.0.1', '::1', hostname(), ...(await clusterHosts().catch(() => []))],
    });
  const certificate = PinnedCertificate.fromPem(material.certificatePem, LoomOptions.sslInternalCert.key);
  const resources: Record<string, LocalResourceSpec> = {};
  const files: [string, string][] = [
    [LocalResourceNames.tlsCertificate, certificate.pem],
    [LocalResourceNames.tlsKey, material.privateKeyPem],
  ];
  for (const [name, text] of files) {
    const path = join(staging.localDir, name);
    await writeFileWithMode(path, text, OWNER_ONLY_FILE);
    resources[name] = await staging.stageFile(path, name, 'FILE', 'APPLICATION', '600');
  }
  return { certificate, resources };
}

/** security.ssl.internal.cert and .key, both or neither, read and checked to belong together. */
async function userCertificate(conf: LoomConfig): Promise<CertificateAndKey | undefined> {
  const certPath = conf.get(LoomOptions.sslInternalCert);
  const keyPath = conf.get(LoomOptions.sslInternalKey);
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined || keyPath === undefined) {
    const missing = certPath === undefined ? LoomOptions.sslInternalCert.key : LoomOptions.sslInternalKey.key;
    throw new ConfigurationError(
      `${missing} is not set: give both security.ssl.internal.cert and security.ssl.internal.key, or neither`,
      missing,
    );
  }
  const read = async (path: string, key: string): Promise<string> => {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      throw new ConfigurationError(`${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, key);
    }
  };
  const certificatePem = await read(certPath, LoomOptions.sslInternalCert.key);
  const privateKeyPem = await read(keyPath, LoomOptions.sslInternalKey.key);
  const leaf = PinnedCertificate.fromPem(certificatePem, certPath);
  let matches: boolean;
  try {
    matches = new X509Certificate(leaf.pem.slice(0, leaf.pem.indexOf('-----END CERTIFICATE-----') + 25)).checkPrivateKey(
      createPrivateKey(privateKeyPem),
    );
  } catch (err) {
    throw new ConfigurationError(
      `${keyPath} (security.ssl.internal.key) is not a PEM private key: ${(err as Error).message}`,
      LoomOptions.sslInternalKey.key,
    );
  }
  if (!matches)
    throw new ConfigurationError(
      `${keyPath} (security.ssl.internal.key) is not the private key of the certificate in ${certPath} (security.ssl.internal.cert)`,
      LoomOptions.sslInternalKey.key,
    );
  return { certificatePem: leaf.pem, privateKeyPem };
}
