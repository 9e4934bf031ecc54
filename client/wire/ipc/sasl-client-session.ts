import { DigestMd5Client, tokenSaslCredentials } from '../security/sasl-digest-md5.js';
import { IpcConfigError, IpcProtocolError } from './ipc-errors.js';
import type { SaslSecurityLayer } from '../security/sasl-security-layer.js';
import type { RpcSaslMessage, SaslAuth } from './rpc-messages.js';
import type { RpcProtection } from './ipc-options.js';
import type { DigestQop } from '../security/digest-md5-security-layer.js';

/** Hadoop's SaslPropertiesResolver: hadoop.rpc.protection names the one qop the client accepts. */
const QOP_OF_PROTECTION: Record<RpcProtection, DigestQop> = { authentication: 'auth', integrity: 'auth-int', privacy: 'auth-conf' };

export interface SaslTokenCredential {
  identifier: Buffer;
  password: Buffer;
  kind: string;
  service: string;
}

/** What the client does after each server SASL message. */
export type SaslStep =
  | { kind: 'send'; message: RpcSaslMessage }
  /** Authenticated; with qop auth-int or auth-conf every later frame goes through `securityLayer`. */
  | { kind: 'done'; securityLayer?: SaslSecurityLayer }
  /** The server offered SIMPLE and nothing we can use otherwise: continue unauthenticated, as Hadoop does. */
  | { kind: 'simple' };

/**
 * Client side of Hadoop's SASL exchange (no I/O): NEGOTIATE -> server NEGOTIATE with its auths
 * -> INITIATE with the DIGEST-MD5 response (the server's challenge rides in its NEGOTIATE)
 * -> SUCCESS carrying rspauth, which we verify so a server that does not know the token
 * password cannot impersonate the real one.
 */
export class SaslClientSession {
  private digest: DigestMd5Client | undefined;

  constructor(
    private readonly token: SaslTokenCredential | undefined,
    /** host:port for error messages. */
    private readonly peer: string,
    private readonly cnonce?: string,
    /** hadoop.rpc.protection: the qop DIGEST-MD5 must negotiate. */
    private readonly protection: RpcProtection = 'authentication',
  ) {}

  start(): RpcSaslMessage {
    return { state: 'NEGOTIATE' };
  }

  receive(message: RpcSaslMessage): SaslStep {
    switch (message.state) {
      case 'NEGOTIATE':
        return this.chooseAuth(message.auths ?? []);
      case 'CHALLENGE': {
        if (!this.digest || !message.token) throw new IpcProtocolError(`unexpected SASL CHALLENGE from ${this.peer}`);
        return {
          kind: 'send',
          message: { state: 'RESPONSE', token: Buffer.from(this.digest.respond(Buffer.from(message.token).toString('utf8'))) },
        };
      }
      case 'SUCCESS': {
        if (!this.digest) throw new IpcProtocolError(`SASL SUCCESS from ${this.peer} before any authentication was attempted`);
        // verifyServerFinal throws SaslError when rspauth does not match the token password.
        const securityLayer = this.digest.verifyServerFinal(Buffer.from(message.token ?? []).toString('utf8'));
        return securityLayer ? { kind: 'done', securityLayer } : { kind: 'done' };
      }
      default:
        throw new IpcProtocolError(`unexpected SASL ${message.state} message from ${this.peer}`);
    }
  }

  private chooseAuth(auths: SaslAuth[]): SaslStep {
    const offered = auths.map((a) => (a.mechanism ? `${a.method}/${a.mechanism}` : a.method));
    const tokenAuth = auths.find((a) => a.method === 'TOKEN' && a.mechanism === 'DIGEST-MD5');
    if (this.token && tokenAuth) {
      if (!tokenAuth.challenge) throw new IpcProtocolError(`SASL TOKEN auth from ${this.peer} carries no DIGEST-MD5 challenge`);
      const { username, password } = tokenSaslCredentials(this.token);
      const protocol = tokenAuth.protocol ?? '';
      const serverId = tokenAuth.serverId ?? 'default';
      this.digest = new DigestMd5Client({
        username,
        password,
        protocol,
        serverId,
        qops: [QOP_OF_PROTECTION[this.protection]],
        ...(this.cnonce ? { cnonce: this.cnonce } : {}),
      });
      const response = this.digest.respond(Buffer.from(tokenAuth.challenge).toString('utf8'));
      // The chosen auth is echoed without its challenge.
      const chosen: SaslAuth = { method: tokenAuth.method, mechanism: tokenAuth.mechanism, protocol, serverId };
      return { kind: 'send', message: { state: 'INITIATE', token: Buffer.from(response, 'utf8'), auths: [chosen] } };
    }
    if (auths.some((a) => a.method === 'SIMPLE')) return { kind: 'simple' };
    if (auths.length > 0 && auths.every((a) => a.method === 'KERBEROS')) {
      throw new IpcConfigError(`Kerberos is not supported yet (server at ${this.peer} offers only KERBEROS)`);
    }
    const need = this.token ? `our ${this.token.kind} token needs TOKEN/DIGEST-MD5` : 'we hold no token';
    throw new IpcConfigError(`cannot authenticate to ${this.peer}: it offers [${offered.join(', ')}] and ${need}`);
  }
}
