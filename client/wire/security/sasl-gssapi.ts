import type { KeytabEntry } from '../kerberos/files/keytab.js';
import { acceptSecurityContext, type GssAcceptor } from '../kerberos/gss/gss-acceptor.js';
import { initiateSecurityContext, type GssInitiator } from '../kerberos/gss/gss-initiator.js';
import type { GssMessageProtection } from '../kerberos/gss/gss-message-protection.js';
import type { KerberosCredential } from '../kerberos/kdc/kerberos-login.js';
import { SaslError } from './sasl-digest-md5.js';
import type { SaslSecurityLayer, SaslQop } from './sasl-security-layer.js';

/** SASL's qualities of protection (RFC 4752 section 3.3 calls them security layers). */
export type { SaslQop } from './sasl-security-layer.js';

/** RFC 4752 section 3.3: the bit of each security layer in the first octet of the negotiation messages. */
export const SECURITY_LAYER_BIT: Readonly<Record<SaslQop, number>> = { auth: 1, 'auth-int': 2, 'auth-conf': 4 };

/** The receive buffer the JDK's GSSAPI mechanism advertises (javax.security.sasl.maxbuffer's default). */
const MAX_RECEIVE_BYTES = 65536;

function layersText(mask: number): string {
  const names = (Object.keys(SECURITY_LAYER_BIT) as SaslQop[]).filter((q) => (mask & SECURITY_LAYER_BIT[q]) !== 0);
  return names.length > 0 ? names.join(', ') : 'none';
}

/** The first octet and the 3-byte big-endian maximum message size of a negotiation message. */
function encodeLayers(mask: number, maxBytes: number, authorizationId?: string): Buffer {
  const out = Buffer.alloc(4);
  out[0] = mask;
  out.writeUIntBE(Math.min(maxBytes, 0xffffff), 1, 3);
  return authorizationId === undefined ? out : Buffer.concat([out, Buffer.from(authorizationId, 'utf8')]);
}

function decodeLayers(bytes: Buffer, what: string): { mask: number; maxBytes: number; rest: Buffer } {
  if (bytes.length < 4) throw new SaslError(`SASL GSSAPI ${what}: ${bytes.length} bytes, expected at least 4 (layers and maximum size)`);
  return { mask: bytes[0], maxBytes: bytes.readUIntBE(1, 3), rest: bytes.subarray(4) };
}

/** The security layer of a GSSAPI exchange that chose auth-int or auth-conf: RFC 4121 Wrap tokens, sealed under auth-conf. */
class GssapiSecurityLayer implements SaslSecurityLayer {
  constructor(
    readonly qop: 'auth-int' | 'auth-conf',
    private readonly context: GssMessageProtection,
  ) {}

  wrap(plain: Buffer): Buffer {
    return this.context.wrap(plain, this.qop === 'auth-conf');
  }

  unwrap(wrapped: Buffer): Buffer {
    const { message, confidential } = this.context.unwrap(wrapped);
    // Under auth-conf a message in clear is a downgrade: the JDK and MIT always seal then.
    if (this.qop === 'auth-conf' && !confidential)
      throw new SaslError('SASL GSSAPI: a message arrived unencrypted although auth-conf was negotiated');
    return message;
  }
}

function layerFor(qop: SaslQop, context: GssMessageProtection): SaslSecurityLayer | undefined {
  return qop === 'auth' ? undefined : new GssapiSecurityLayer(qop, context);
}

/**
 * The client of SASL GSSAPI (RFC 4752) as the JDK's GssKrb5Client runs it under Hadoop's
 * SaslRpcClient: the initial response is the GSS initial token (mutual authentication, as Hadoop
 * asks with SERVER_AUTH); the server's AP-REP is answered with an empty response; then the
 * server's wrapped 4-byte offer (layers it supports, its maximum message size) is answered with
 * the first of `qops` it offers and our maximum size, wrapped with integrity only, no authzid.
 */
export class GssapiSaslClient {
  private readonly initiator: GssInitiator;
  private state: 'context' | 'layers' | 'complete' = 'context';
  private chosen: SaslQop | undefined;
  /** The server's maximum message size, from its offer (0 until then). */
  serverMaxBytes = 0;

  constructor(
    ticket: KerberosCredential,
    /** Acceptable qops, preferred first (Hadoop: hadoop.rpc.protection's values in order). */
    private readonly qops: readonly SaslQop[],
    private readonly service: string,
    now?: () => Date,
  ) {
    this.initiator = initiateSecurityContext(ticket, { mutual: true, ...(now ? { now } : {}) });
  }

  /** The INITIATE token. */
  initialResponse(): Buffer {
    return this.initiator.initialToken;
  }

  get complete(): boolean {
    return this.state === 'complete';
  }

  /** The response to a server challenge. */
  evaluateChallenge(challenge: Buffer): Buffer {
    if (this.state === 'context') {
      this.initiator.accept(challenge);
      this.state = 'layers';
      return Buffer.alloc(0);
    }
    if (this.state === 'complete') throw new SaslError(`SASL GSSAPI with ${this.service}: a challenge after the exchange completed`);
    const { message } = this.initiator.unwrap(challenge);
    const offer = decodeLayers(message, 'security layer offer');
    const chosen = this.qops.find((q) => (offer.mask & SECURITY_LAYER_BIT[q]) !== 0);
    if (!chosen)
      throw new SaslError(
        `no common SASL protection with ${this.service}: it offers ${layersText(offer.mask)}, hadoop.rpc.protection allows ${this.qops.join(', ')}; set hadoop.rpc.protection as the cluster's core-site.xml does`,
      );
    this.chosen = chosen;
    this.serverMaxBytes = offer.maxBytes;
    this.state = 'complete';
    return this.initiator.wrap(encodeLayers(SECURITY_LAYER_BIT[chosen], chosen === 'auth' ? 0 : MAX_RECEIVE_BYTES), false);
  }

  /** The negotiated qop, once complete. */
  get qop(): SaslQop | undefined {
    return this.chosen;
  }

  /** The layer every later message goes through under auth-int and auth-conf; undefined under auth. */
  securityLayer(): SaslSecurityLayer | undefined {
    if (!this.chosen) throw new SaslError(`SASL GSSAPI with ${this.service} has not completed`);
    return layerFor(this.chosen, this.initiator);
  }
}

/**
 * The server of SASL GSSAPI (RFC 4752) as the JDK's GssKrb5Server answers Hadoop clients, with the
 * service's keytab: the initial token is accepted and answered with the AP-REP; the client's empty
 * response with the wrapped offer of `qops` and our maximum size; the client's wrapped choice
 * completes the exchange (Hadoop then sends SUCCESS without a token).
 */
export class GssapiSaslServer {
  private acceptor: GssAcceptor | undefined;
  private state: 'context' | 'offer' | 'choice' | 'complete' = 'context';
  private chosen: SaslQop | undefined;
  /** The client's maximum message size, from its choice. */
  clientMaxBytes = 0;

  constructor(
    private readonly keytab: readonly KeytabEntry[],
    /** The qops this server allows (Hadoop: hadoop.rpc.protection). */
    private readonly qops: readonly SaslQop[],
    private readonly now?: () => Date,
  ) {}

  get complete(): boolean {
    return this.state === 'complete';
  }

  /** The authenticated client principal. */
  get initiator(): string {
    if (!this.acceptor) throw new SaslError('SASL GSSAPI: no client has authenticated yet');
    return this.acceptor.initiator;
  }

  /** The challenge to send, or undefined when the exchange is complete. */
  evaluateResponse(response: Buffer): Buffer | undefined {
    switch (this.state) {
      case 'context': {
        const acceptor = acceptSecurityContext(response, { keytab: this.keytab, ...(this.now ? { now: this.now } : {}) });
        this.acceptor = acceptor;
        if (acceptor.replyToken) {
          this.state = 'offer';
          return acceptor.replyToken;
        }
        return this.offer(acceptor);
      }
      case 'offer':
        // RFC 4752 section 3.1: the client's empty response after the context is established.
        return this.offer(this.established());
      case 'choice': {
        const { message } = this.established().unwrap(response);
        const choice = decodeLayers(message, 'security layer choice');
        const chosen = (Object.keys(SECURITY_LAYER_BIT) as SaslQop[]).find((q) => SECURITY_LAYER_BIT[q] === choice.mask);
        if (!chosen || !this.qops.includes(chosen))
          throw new SaslError(
            `SASL GSSAPI client ${this.initiator} chose ${layersText(choice.mask)}, not one of the offered ${this.qops.join(', ')}`,
          );
        this.chosen = chosen;
        this.clientMaxBytes = choice.maxBytes;
        this.state = 'complete';
        return undefined;
      }
      case 'complete':
        throw new SaslError('SASL GSSAPI: a response after the exchange completed');
    }
  }

  securityLayer(): SaslSecurityLayer | undefined {
    if (!this.chosen) throw new SaslError('SASL GSSAPI has not completed');
    return layerFor(this.chosen, this.established());
  }

  get qop(): SaslQop | undefined {
    return this.chosen;
  }

  private offer(acceptor: GssAcceptor): Buffer {
    this.state = 'choice';
    const mask = this.qops.reduce((m, q) => m | SECURITY_LAYER_BIT[q], 0);
    return acceptor.wrap(encodeLayers(mask, MAX_RECEIVE_BYTES), false);
  }

  private established(): GssAcceptor {
    if (!this.acceptor) throw new SaslError('SASL GSSAPI: no security context');
    return this.acceptor;
  }
}
