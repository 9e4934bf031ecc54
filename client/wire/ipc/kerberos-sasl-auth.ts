import { lookupService } from 'node:dns/promises';
import { isIP } from 'node:net';
import { SaslError } from '../security/sasl-digest-md5.js';
import { GssapiSaslClient } from '../security/sasl-gssapi.js';
import type { SaslSecurityLayer } from '../security/sasl-security-layer.js';
import { IpcConfigError, IpcProtocolError } from './ipc-errors.js';
import { SASL_QOP_OF_PROTECTION as QOP_OF_PROTECTION, type IpcKerberosOptions, type RpcProtection } from './ipc-options.js';
import type { KerberosCredential } from '../kerberos/kdc/kerberos-login.js';
import type { RpcSaslMessage, SaslAuth } from './rpc-messages.js';

/**
 * The server's principal as Hadoop's SecurityUtil.getServerPrincipal makes it: "_HOST" replaced by
 * the lower-cased name of the host connected to; for an IP address, its name from the resolver
 * (Java's getCanonicalHostName: 127.0.0.1 -> localhost), the address itself when it has none.
 */
export async function resolveServerPrincipal(configured: string, host: string): Promise<string> {
  if (!configured.includes('_HOST')) return configured;
  let name = host;
  if (isIP(host) !== 0) {
    try {
      name = (await lookupService(host, 0)).hostname;
    } catch {
      name = host;
    }
  }
  return configured.replace('_HOST', name.toLowerCase());
}

/**
 * The KERBEROS auth of Hadoop's SaslRpcClient: the server's NEGOTIATE names protocol ("rm") and
 * serverId ("localhost"); protocol/serverId@REALM must equal the configured principal with _HOST
 * resolved (else "Server has invalid Kerberos principal"), and SASL GSSAPI then runs with a
 * service ticket for it. The ticket is fetched before the exchange (prepare), since the IPC engine
 * steps the exchange synchronously and the configured principal already names the service.
 */
export class KerberosSaslAuth {
  private client: GssapiSaslClient | undefined;

  private constructor(
    private readonly expected: string,
    private readonly ticket: KerberosCredential,
    private readonly protection: RpcProtection,
    private readonly peer: string,
  ) {}

  /** Resolves the server principal for `host` and gets its service ticket from the identity. */
  static async prepare(options: IpcKerberosOptions, host: string, protection: RpcProtection, peer: string): Promise<KerberosSaslAuth> {
    const resolved = await resolveServerPrincipal(options.principal, host);
    const expected = resolved.includes('@') ? resolved : `${resolved}@${realmOf(options.identity.principal)}`;
    if (!expected.slice(0, expected.lastIndexOf('@')).includes('/'))
      throw new IpcConfigError(
        `Kerberos principal name does NOT have the expected hostname part: ${expected} (the server principal configured for ${peer})`,
      );
    return new KerberosSaslAuth(expected, await options.identity.serviceTicket(expected), protection, peer);
  }

  /** The INITIATE for the server's KERBEROS/GSSAPI auth. */
  initiate(auth: SaslAuth): RpcSaslMessage {
    const advertised = `${auth.protocol ?? ''}/${auth.serverId ?? ''}@${realmOf(this.expected)}`;
    if (advertised !== this.expected)
      throw new IpcConfigError(
        `Server has invalid Kerberos principal: ${advertised}, expecting: ${this.expected} (server at ${this.peer}; check yarn.resourcemanager.principal / dfs.namenode.kerberos.principal and the host name used)`,
      );
    this.client = new GssapiSaslClient(this.ticket, [QOP_OF_PROTECTION[this.protection]], this.expected);
    const chosen: SaslAuth = { method: auth.method, mechanism: auth.mechanism, protocol: auth.protocol, serverId: auth.serverId };
    return { state: 'INITIATE', token: this.client.initialResponse(), auths: [chosen] };
  }

  /** The RESPONSE to a CHALLENGE (the AP-REP, then the security layer offer). */
  respond(token: Uint8Array | undefined): RpcSaslMessage {
    if (!token) throw new IpcProtocolError(`SASL CHALLENGE from ${this.peer} carries no token`);
    return { state: 'RESPONSE', token: this.started().evaluateChallenge(Buffer.from(token)) };
  }

  /** SUCCESS: the exchange must be complete on our side too (Hadoop: "Client is out of sync with server"). */
  succeed(token: Uint8Array | undefined): SaslSecurityLayer | undefined {
    const client = this.started();
    if (token && token.length > 0) throw new IpcProtocolError(`SASL SUCCESS from ${this.peer} carries a token GSSAPI does not expect`);
    if (!client.complete) throw new SaslError(`SASL SUCCESS from ${this.peer} before GSSAPI completed: client is out of sync with server`);
    return client.securityLayer();
  }

  private started(): GssapiSaslClient {
    if (!this.client) throw new IpcProtocolError(`unexpected SASL message from ${this.peer} before KERBEROS was initiated`);
    return this.client;
  }
}

function realmOf(principal: string): string {
  return principal.slice(principal.lastIndexOf('@') + 1);
}
