import { DigestMd5Client, tokenSaslCredentials } from '../security/sasl-digest-md5.js';
import { IpcConfigError, IpcProtocolError } from './ipc-errors.js';
import type { SaslSecurityLayer } from '../security/sasl-security-layer.js';
import type { RpcSaslMessage, SaslAuth } from './rpc-messages.js';
import { SASL_QOP_OF_PROTECTION as QOP_OF_PROTECTION, type IpcKerberosOptions, type RpcProtection } from './ipc-options.js';
import { KerberosSaslAuth } from './kerberos-sasl-auth.js';

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
  private kerberosAuth: KerberosSaslAuth | undefined;
  private kerberosUnavailable: Error | undefined;
  private kerberosChosen: KerberosSaslAuth | undefined;

  constructor(
    private readonly token: SaslTokenCredential | undefined,
    /** host:port for error messages. */
    private readonly peer: string,
    private readonly cnonce?: string,
    /** hadoop.rpc.protection: the qop DIGEST-MD5 and GSSAPI must negotiate. */
    private readonly protection: RpcProtection = 'authentication',
    /** KERBEROS auth: who we are, the server's configured principal, and the host connected to (for _HOST). */
    private readonly kerberos?: IpcKerberosOptions & { host: string },
  ) {}

  /**
   * Gets the Kerberos service ticket before the exchange (the steps below are synchronous). With a
   * token also held, a failure is kept and raised only if the server leaves KERBEROS as our choice.
   */
  async prepare(): Promise<void> {
    if (!this.kerberos) return;
    try {
      this.kerberosAuth = await KerberosSaslAuth.prepare(this.kerberos, this.kerberos.host, this.protection, this.peer);
    } catch (err) {
      if (!this.token || !(err instanceof Error)) throw err;
      this.kerberosUnavailable = err;
    }
  }

  start(): RpcSaslMessage {
    return { state: 'NEGOTIATE' };
  }

  receive(message: RpcSaslMessage): SaslStep {
    switch (message.state) {
      case 'NEGOTIATE':
        return this.chooseAuth(message.auths ?? []);
      case 'CHALLENGE': {
        if (this.kerberosChosen) return { kind: 'send', message: this.kerberosChosen.respond(message.token) };
        if (!this.digest || !message.token) throw new IpcProtocolError(`unexpected SASL CHALLENGE from ${this.peer}`);
        return {
          kind: 'send',
          message: { state: 'RESPONSE', token: Buffer.from(this.digest.respond(Buffer.from(message.token).toString('utf8'))) },
        };
      }
      case 'SUCCESS': {
        if (this.kerberosChosen) {
          const kerberosLayer = this.kerberosChosen.succeed(message.token);
          return kerberosLayer ? { kind: 'done', securityLayer: kerberosLayer } : { kind: 'done' };
        }
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
    // Hadoop's SaslRpcClient takes the first auth in the server's order it holds credentials for.
    const kerberosAuth = auths.find((a) => a.method === 'KERBEROS' && a.mechanism === 'GSSAPI');
    if (kerberosAuth && this.kerberos && !(this.token && tokenAuth && auths.indexOf(tokenAuth) < auths.indexOf(kerberosAuth))) {
      if (!this.kerberosAuth)
        throw this.kerberosUnavailable ?? new IpcConfigError(`Kerberos for ${this.peer} was not prepared (call prepare() first)`);
      this.kerberosChosen = this.kerberosAuth;
      return { kind: 'send', message: this.kerberosAuth.initiate(kerberosAuth) };
    }
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
      throw new IpcConfigError(
        `the server at ${this.peer} requires Kerberos (hadoop.security.authentication=kerberos) and no Kerberos login is configured for it; run kinit, or set security.kerberos.login.keytab and security.kerberos.login.principal`,
      );
    }
    const need = this.token ? `our ${this.token.kind} token needs TOKEN/DIGEST-MD5` : 'we hold no token';
    throw new IpcConfigError(`cannot authenticate to ${this.peer}: it offers [${offered.join(', ')}] and ${need}`);
  }
}
