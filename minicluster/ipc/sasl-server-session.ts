import { LoomError } from '../../client/errors/loom-error.js';
import { DigestMd5Server, SaslError } from '../../client/wire/security/sasl-digest-md5.js';
import type { RpcSaslMessage, SaslAuth } from '../../client/wire/ipc/rpc-messages.js';
import type { DigestQop } from '../../client/wire/security/digest-md5-security-layer.js';
import type { SaslSecurityLayer } from '../../client/wire/security/sasl-security-layer.js';

export interface SaslServerAuthOptions {
  simple: boolean;
  token?: {
    serverId?: 'default';
    /** Password (base64 of the token password) for a user name = base64 of the token identifier. */
    lookupPassword(usernameBase64Identifier: string): string | undefined;
  };
  /**
   * hadoop.rpc.protection as SASL qops (authentication = auth, integrity = auth-int, privacy =
   * auth-conf), as Hadoop's SaslPropertiesResolver hands them to the SASL server; ['auth'] by default.
   */
  qops?: readonly DigestQop[];
}

/** A refusal in Hadoop's shape: sent as FATAL with call id -1, then the connection closes. */
export class SaslRefusal extends LoomError {
  static override readonly code: string = 'MINICLUSTER_SASL_REFUSED';
  constructor(
    readonly className: string,
    message: string,
  ) {
    super(message);
  }
}

export type SaslServerStep =
  | { kind: 'reply'; message: RpcSaslMessage }
  | {
      kind: 'authenticated';
      reply: RpcSaslMessage;
      user: string;
      tokenIdentifier: Buffer;
      /** With qop auth-int or auth-conf: every later frame is wrapped with it. */
      securityLayer?: SaslSecurityLayer;
    };

const INVALID_TOKEN = 'org.apache.hadoop.security.token.SecretManager$InvalidToken';
const SASL_EXCEPTION = 'javax.security.sasl.SaslException';
const ACCESS_CONTROL = 'org.apache.hadoop.security.AccessControlException';

/** Server side of the SASL exchange (no I/O). Throws SaslRefusal for anything it refuses. */
export class SaslServerSession {
  private digest: DigestMd5Server | undefined;
  private unknownUser: string | undefined;

  constructor(private readonly auth: SaslServerAuthOptions) {}

  receive(message: RpcSaslMessage): SaslServerStep {
    switch (message.state) {
      case 'NEGOTIATE':
        return { kind: 'reply', message: { state: 'NEGOTIATE', auths: this.offer() } };
      case 'INITIATE':
        return this.initiate(message);
      default:
        throw new SaslRefusal(ACCESS_CONTROL, `SASL ${message.state} not expected at this point of the exchange`);
    }
  }

  private offer(): SaslAuth[] {
    const auths: SaslAuth[] = [];
    const token = this.auth.token;
    if (token) {
      const serverId = token.serverId ?? 'default';
      this.digest = new DigestMd5Server({
        protocol: '',
        serverId,
        ...(this.auth.qops ? { qops: this.auth.qops } : {}),
        lookupPassword: (username) => {
          const password = token.lookupPassword(username);
          if (password === undefined) this.unknownUser = username;
          return password;
        },
      });
      auths.push({
        method: 'TOKEN',
        mechanism: 'DIGEST-MD5',
        protocol: '',
        serverId,
        challenge: Buffer.from(this.digest.challenge(), 'utf8'),
      });
    }
    if (this.auth.simple) auths.push({ method: 'SIMPLE', mechanism: '' });
    return auths;
  }

  private initiate(message: RpcSaslMessage): SaslServerStep {
    const chosen = message.auths?.[0];
    if (chosen?.method !== 'TOKEN' || chosen.mechanism !== 'DIGEST-MD5' || !this.digest) {
      const offered = this.offer()
        .map((a) => a.method)
        .join(', ');
      throw new SaslRefusal(ACCESS_CONTROL, `Client cannot authenticate via:[${chosen?.method ?? ''}]; Available:[${offered}]`);
    }
    try {
      const { username, rspauth, securityLayer } = this.digest.verifyResponse((message.token ?? Buffer.alloc(0)).toString('utf8'));
      return {
        kind: 'authenticated',
        // Tolerate either form of the value (bare hex or already 'rspauth=...').
        reply: { state: 'SUCCESS', token: Buffer.from(rspauth.startsWith('rspauth=') ? rspauth : `rspauth=${rspauth}`, 'utf8') },
        user: username,
        tokenIdentifier: Buffer.from(username, 'base64'),
        ...(securityLayer ? { securityLayer } : {}),
      };
    } catch (err) {
      if (this.unknownUser !== undefined) {
        throw new SaslRefusal(INVALID_TOKEN, `token (${this.unknownUser}) can't be found in cache`);
      }
      if (err instanceof SaslError) throw new SaslRefusal(SASL_EXCEPTION, err.message);
      throw new SaslRefusal(SASL_EXCEPTION, `DIGEST-MD5: ${(err as Error).message}`);
    }
  }
}
