/** RFC 4120 section 7.5.7: message types (the [APPLICATION n] tag of each message). */
export const MessageType = {
  AS_REQ: 10,
  AS_REP: 11,
  TGS_REQ: 12,
  TGS_REP: 13,
  AP_REQ: 14,
  AP_REP: 15,
  KRB_ERROR: 30,
} as const;

/** RFC 4120 section 5.2.7 / 7.5.2: pre-authentication data types Loom sends or reads. */
export const PaDataType = {
  TGS_REQ: 1,
  ENC_TIMESTAMP: 2,
  PW_SALT: 3,
  ETYPE_INFO: 11,
  ETYPE_INFO2: 19,
} as const;

/** RFC 4120 section 6.2: name types. */
export const NameType = {
  UNKNOWN: 0,
  PRINCIPAL: 1,
  SRV_INST: 2,
  SRV_HST: 3,
} as const;

/** KDCOptions bits (RFC 4120 section 5.4.1), as 32-bit flags with bit 0 the most significant. */
export const KdcOptions = {
  FORWARDABLE: 0x40000000,
  FORWARDED: 0x20000000,
  PROXIABLE: 0x10000000,
  RENEWABLE: 0x00800000,
  CANONICALIZE: 0x00010000,
  RENEWABLE_OK: 0x00000010,
} as const;

/** The Kerberos protocol version every message carries. */
export const PVNO = 5;
