// A service ticket made without a KDC: the EncTicketPart encrypted with a service key we pick, so
// the GSS tests run in every etype and with any times (the MIT KDC test covers real tickets).
import {
  derApplication,
  derExplicit,
  derInteger,
  derKerberosFlags,
  derKerberosString,
  derKerberosTime,
  derOctetString,
  derSequence,
} from '../../../../../client/wire/kerberos/asn1/der-writer.js';
import { encryptionType } from '../../../../../client/wire/kerberos/crypto/encryption-types.js';
import { KeyUsage } from '../../../../../client/wire/kerberos/crypto/key-usage.js';
import type { KeytabEntry } from '../../../../../client/wire/kerberos/files/keytab.js';
import type { KerberosCredential } from '../../../../../client/wire/kerberos/kdc/kerberos-login.js';
import {
  encodeEncryptedData,
  encodeEncryptionKey,
  encodePrincipalName,
  type PrincipalName,
} from '../../../../../client/wire/kerberos/messages/kerberos-types.js';
import { decodeTicket } from '../../../../../client/wire/kerberos/messages/ticket.js';

export const REALM = 'EXAMPLE.COM';
export const user: PrincipalName = { nameType: 1, nameString: ['alice'] };
export const service: PrincipalName = { nameType: 2, nameString: ['rm', 'localhost'] };

export interface Forged {
  credential: KerberosCredential;
  keytab: KeytabEntry[];
}

/** A ticket of alice@EXAMPLE.COM for rm/localhost@EXAMPLE.COM valid from `start` for an hour, in etype `etype`. */
export function forgeServiceTicket(etype = 18, start = new Date()): Forged {
  const type = encryptionType(etype);
  const serviceKey = type.randomKey();
  const sessionKey = { keyType: etype, keyValue: type.randomKey() };
  const authTime = new Date(Math.floor(start.getTime() / 1000) * 1000);
  const endTime = new Date(authTime.getTime() + 3600_000);
  const encTicketPart = derApplication(
    3,
    derSequence([
      derExplicit(0, derKerberosFlags(0x40a00000)),
      derExplicit(1, encodeEncryptionKey(sessionKey)),
      derExplicit(2, derKerberosString(REALM)),
      derExplicit(3, encodePrincipalName(user)),
      derExplicit(4, derSequence([derExplicit(0, derInteger(1)), derExplicit(1, derOctetString(Buffer.alloc(0)))])),
      derExplicit(5, derKerberosTime(authTime)),
      derExplicit(7, derKerberosTime(endTime)),
    ]),
  );
  const ticketBytes = derApplication(
    1,
    derSequence([
      derExplicit(0, derInteger(5)),
      derExplicit(1, derKerberosString(REALM)),
      derExplicit(2, encodePrincipalName(service)),
      derExplicit(3, encodeEncryptedData({ etype, kvno: 3, cipher: type.encrypt(serviceKey, KeyUsage.KDC_REP_TICKET, encTicketPart) })),
    ]),
  );
  return {
    credential: {
      client: { realm: REALM, name: user },
      server: { realm: REALM, name: service },
      ticket: decodeTicket(ticketBytes),
      sessionKey,
      flags: 0x40a00000,
      authTime,
      endTime,
    },
    keytab: [{ realm: REALM, principal: service, timestamp: 0, kvno: 3, enctype: etype, key: serviceKey }],
  };
}
