/**
 * The security layer a SASL mechanism negotiates when the quality of protection is auth-int
 * (hadoop.rpc.protection=integrity) or auth-conf (privacy): after SASL SUCCESS every RPC frame in
 * both directions travels wrapped (Hadoop's SaslRpcClient wraps each frame and sends it as an
 * RpcSaslProto of state WRAP; the server answers the same way). DIGEST-MD5 (RFC 2831) and GSSAPI
 * (RFC 4752 over RFC 4121) both produce one; with qop auth there is none.
 */
/** A SASL quality of protection (RFC 2222 / RFC 4422): authentication only, integrity, or confidentiality. */
export type SaslQop = 'auth' | 'auth-int' | 'auth-conf';

export interface SaslSecurityLayer {
  readonly qop: 'auth-int' | 'auth-conf';
  /** Protects one outgoing message (integrity check, and encryption under auth-conf). */
  wrap(plain: Buffer): Buffer;
  /** Checks (and decrypts) one incoming message; throws a LoomError when it was altered or replayed. */
  unwrap(wrapped: Buffer): Buffer;
}
