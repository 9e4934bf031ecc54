/**
 * RFC 4120 section 7.5.1's key usage numbers: each encryption and checksum in the protocol
 * derives its own keys from the base key with one of these, so a ciphertext made for one purpose
 * never decrypts as another.
 */
export const KeyUsage = {
  /** AS-REQ PA-ENC-TIMESTAMP padata timestamp, encrypted with the client key. */
  AS_REQ_PA_ENC_TIMESTAMP: 1,
  /** AS-REP / TGS-REP Ticket (includes TGS session key or application session key), encrypted with the service key. */
  KDC_REP_TICKET: 2,
  /** AS-REP encrypted part (includes TGS session key), encrypted with the client key. */
  AS_REP_ENC_PART: 3,
  /** TGS-REQ KDC-REQ-BODY AuthorizationData, encrypted with the TGS session key. */
  TGS_REQ_AUTH_DATA_SESSION_KEY: 4,
  /** TGS-REQ KDC-REQ-BODY AuthorizationData, encrypted with the TGS authenticator subkey. */
  TGS_REQ_AUTH_DATA_SUBKEY: 5,
  /** TGS-REQ PA-TGS-REQ padata AP-REQ Authenticator cksum, keyed with the TGS session key. */
  TGS_REQ_PA_TGS_REQ_AP_REQ_AUTHENTICATOR_CHKSUM: 6,
  /** TGS-REQ PA-TGS-REQ padata AP-REQ Authenticator, encrypted with the TGS session key. */
  TGS_REQ_PA_TGS_REQ_AP_REQ_AUTHENTICATOR: 7,
  /** TGS-REP encrypted part (includes application session key), encrypted with the TGS session key. */
  TGS_REP_ENC_PART_SESSION_KEY: 8,
  /** TGS-REP encrypted part (includes application session key), encrypted with the TGS authenticator subkey. */
  TGS_REP_ENC_PART_SUBKEY: 9,
  /** AP-REQ Authenticator cksum, keyed with the application session key. */
  AP_REQ_AUTHENTICATOR_CHKSUM: 10,
  /** AP-REQ Authenticator (includes application authenticator subkey), encrypted with the application session key. */
  AP_REQ_AUTHENTICATOR: 11,
  /** AP-REP encrypted part (includes application session subkey), encrypted with the application session key. */
  AP_REP_ENC_PART: 12,
  /** KRB-PRIV encrypted part. */
  KRB_PRIV_ENC_PART: 13,
  /** KRB-CRED encrypted part. */
  KRB_CRED_ENC_PART: 14,
  /** KRB-SAFE cksum. */
  KRB_SAFE_CHKSUM: 15,
  /** RFC 4121's GSS-API Kerberos tokens: acceptor seal (Wrap), acceptor sign (MIC), initiator seal, initiator sign. */
  GSSAPI_ACCEPTOR_SEAL: 22,
  GSSAPI_ACCEPTOR_SIGN: 23,
  GSSAPI_INITIATOR_SEAL: 24,
  GSSAPI_INITIATOR_SIGN: 25,
} as const;
