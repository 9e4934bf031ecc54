// hadoop.rpc.protection on the mini cluster: what its token-authenticated IPC ports (the RM's
// scheduler port with AMRMTokens, the NMs' ports with NMTokens) require of a client's SASL
// DIGEST-MD5 exchange, as Hadoop's SaslPropertiesResolver turns the key into SASL qops:
// authentication = auth, integrity = auth-int (every frame MACed), privacy = auth-conf (encrypted).
// A comma list offers several, preferred first. Given as `-D hadoop.rpc.protection=privacy` of
// `loom minicluster` (or the rpcProtection option), it lands in yarn-site.xml, so clients that read
// the cluster's HADOOP_CONF_DIR (Loom's and Hadoop's) ask for the same. SIMPLE connections (the RM's
// client port) are never wrapped, as on Hadoop.
import { SASL_QOP_OF_PROTECTION } from '../client/wire/ipc/ipc-options.js';
import type { DigestQop } from '../client/wire/security/digest-md5-security-layer.js';
import type { SiteValues } from './mini-cluster-conf-dir.js';

export const RPC_PROTECTION_KEY = 'hadoop.rpc.protection';

const QOP_OF: Readonly<Record<string, DigestQop | undefined>> = SASL_QOP_OF_PROTECTION;

/** The qops the token ports offer, from the cluster's yarn-site values; ['auth'] when the key is absent. */
export function rpcProtectionQops(yarnSite: SiteValues): DigestQop[] {
  const text = RPC_PROTECTION_KEY in yarnSite ? yarnSite[RPC_PROTECTION_KEY] : '';
  if (text.trim() === '') return ['auth'];
  return text.split(',').map((word) => {
    const qop = QOP_OF[word.trim().toLowerCase()];
    if (!qop)
      throw new Error(
        `mini cluster setting ${RPC_PROTECTION_KEY} must be authentication, integrity or privacy (or a comma list of them), got "${text}"`,
      );
    return qop;
  });
}
