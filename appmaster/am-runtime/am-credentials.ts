import { Credentials } from '../../client/security/credentials-file.js';
import type { HadoopToken } from '../../client/security/token.js';

/** The kind the ResourceManager gives the AMRMToken it puts into the AM container's credentials. */
export const AMRM_TOKEN_KIND = 'YARN_AM_RM_TOKEN';

export interface AmCredentials {
  credentials: Credentials;
  amRmToken: HadoopToken;
}

/** Reads container_tokens; the scheduler port accepts only TOKEN auth, so no AMRMToken is fatal. */
export function readAmCredentials(tokenFile: string): AmCredentials {
  const credentials = Credentials.readFile(tokenFile);
  const amRmToken = credentials.findToken(AMRM_TOKEN_KIND);
  if (!amRmToken) {
    const kinds = [...credentials.tokens.values()].map((t) => t.kind);
    throw new Error(
      `${tokenFile} holds no ${AMRM_TOKEN_KIND} (found: ${kinds.length ? kinds.join(', ') : 'no tokens'}); ` +
        `the ResourceManager adds it when it launches the AM container, so this process was not started as a YARN ApplicationMaster`,
    );
  }
  return { credentials, amRmToken };
}
