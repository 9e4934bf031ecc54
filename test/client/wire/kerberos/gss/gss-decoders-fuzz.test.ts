// Every GSS-API token decoder, and the context calls that take a peer's token, fed random bytes
// and mutated valid tokens throw only Loom's errors (KerberosFormatError for bytes that are not a
// token, KerberosIntegrityError / GssContextError for tokens that do not check out), never a
// RangeError or TypeError from deep inside.
import { describe, expect, it } from 'vitest';
import { LoomError } from '../../../../../client/errors/loom-error.js';
import {
  decodeApReply,
  decodeApRequest,
  decodeEncApReplyPart,
  encodeEncApReplyPart,
} from '../../../../../client/wire/kerberos/gss/ap-exchange.js';
import { acceptSecurityContext } from '../../../../../client/wire/kerberos/gss/gss-acceptor.js';
import { decodeGssChecksum, encodeGssChecksum } from '../../../../../client/wire/kerberos/gss/gss-checksum.js';
import { GssTokenId, unframeContextToken } from '../../../../../client/wire/kerberos/gss/gss-framing.js';
import { initiateSecurityContext } from '../../../../../client/wire/kerberos/gss/gss-initiator.js';
import { decodeTokenHeader } from '../../../../../client/wire/kerberos/gss/per-message-tokens.js';
import { forgeServiceTicket } from './forged-credential.js';
import { mutate, random } from '../fuzz-inputs.js';

function expectOnlyLoomErrors(decode: (b: Buffer) => unknown, input: Buffer): void {
  try {
    decode(input);
  } catch (err) {
    if (!(err instanceof LoomError)) throw new Error(`${String(err)} for input ${input.toString('hex')}`);
    expect(err.code).toMatch(/^(KERBEROS_MESSAGE_INVALID|KERBEROS_INTEGRITY_FAILED|GSS_CONTEXT_FAILED|KERBEROS_ENCTYPE_UNSUPPORTED)$/);
  }
}

const { credential, keytab } = forgeServiceTicket(17);
const initialToken = initiateSecurityContext(credential, { mutual: true }).initialToken;
const replyToken = acceptSecurityContext(initialToken, { keytab }).replyToken ?? Buffer.alloc(0);

/** A fresh established pair per input, so a token that passed once does not fail the next as a replay. */
function pair() {
  const initiator = initiateSecurityContext(credential, { mutual: true });
  const acceptor = acceptSecurityContext(initiator.initialToken, { keytab });
  initiator.accept(acceptor.replyToken ?? Buffer.alloc(0));
  return { initiator, acceptor };
}

const GSS_DECODERS: Record<string, { decode: (b: Buffer) => unknown; valid: () => Buffer; rounds?: number }> = {
  'context token framing': { decode: unframeContextToken, valid: () => initialToken },
  'AP-REQ': { decode: decodeApRequest, valid: () => unframeContextToken(initialToken).message },
  'AP-REP': { decode: decodeApReply, valid: () => unframeContextToken(replyToken).message },
  EncAPRepPart: {
    decode: decodeEncApReplyPart,
    valid: () => encodeEncApReplyPart({ ctime: new Date(0), cusec: 7, subkey: { keyType: 18, keyValue: Buffer.alloc(32) }, seqNumber: 5 }),
  },
  '0x8003 checksum': { decode: decodeGssChecksum, valid: () => encodeGssChecksum(0x3a) },
  'MIC header': { decode: (b) => decodeTokenHeader(b, GssTokenId.MIC), valid: () => pair().initiator.getMic(Buffer.from('m')) },
  'Wrap header': { decode: (b) => decodeTokenHeader(b, GssTokenId.WRAP), valid: () => pair().initiator.wrap(Buffer.from('m'), true) },
  'initial token (acceptor)': { decode: (b) => acceptSecurityContext(b, { keytab }), valid: () => initialToken, rounds: 300 },
  'reply token (initiator)': {
    decode: (b) => {
      initiateSecurityContext(credential, { mutual: true }).accept(b);
    },
    valid: () => replyToken,
    rounds: 300,
  },
  'sealed Wrap token (unwrap)': { decode: (b) => pair().acceptor.unwrap(b), valid: () => sealedToken(), rounds: 200 },
  'integrity Wrap token (unwrap)': { decode: (b) => pair().acceptor.unwrap(b), valid: () => integrityToken(), rounds: 200 },
  'MIC token (verifyMic)': {
    decode: (b) => pair().initiator.verifyMic(Buffer.from('m'), b),
    valid: () => pair().acceptor.getMic(Buffer.from('m')),
    rounds: 200,
  },
};

function sealedToken(): Buffer {
  return pair().initiator.wrap(Buffer.from('a sealed message'), true);
}
function integrityToken(): Buffer {
  return pair().initiator.wrap(Buffer.from('an integrity-only message'), false);
}

describe('GSS-API token decoders under fuzzing', () => {
  it.each(Object.entries(GSS_DECODERS))('%s throws only Loom errors', (_name, { decode, valid, rounds }) => {
    const next = random(4121);
    const good = valid();
    const count = rounds ?? 2000;
    for (let i = 0; i < count; i++) expectOnlyLoomErrors(decode, mutate(good, next));
    for (let i = 0; i < count / 4; i++) {
      const bytes = Buffer.alloc(Math.floor(next() * 64));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(next() * 256);
      if (i % 2 === 0 && bytes.length > 0) bytes[0] = good[0];
      expectOnlyLoomErrors(decode, bytes);
    }
  });
});
