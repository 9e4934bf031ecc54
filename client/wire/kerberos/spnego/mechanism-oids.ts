/** The SPNEGO pseudo-mechanism (RFC 4178 section 3.1: iso.org.dod.internet.security.mechanism.snego). */
export const SPNEGO_OID = '1.3.6.1.5.5.2';

/** The Kerberos 5 GSS-API mechanism (RFC 1964 / RFC 4121), declared with the GSS framing. */
export { KRB5_MECHANISM_OID as KRB5_OID } from '../gss/gss-framing.js';

/**
 * The OID Microsoft's early SPNEGO used for Kerberos 5 by mistake (a truncated 1.2.840.113554).
 * MIT and Java's initiators offer it after the real one and acceptors answer with it when the
 * initiator listed it first; Loom offers it second and accepts either in a reply.
 */
export const MS_KRB5_OID = '1.2.840.48018.1.2.2';
