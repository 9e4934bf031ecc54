// The Kerberos crypto against the published vectors: RFC 3961's n-fold, RFC 3962's PBKDF2
// string-to-key and AES-CTS, RFC 8009's string-to-key, key derivation, encryption and checksums.
import { describe, expect, it } from 'vitest';
import { aesCtsDecrypt, aesCtsEncrypt } from '../../../../client/wire/kerberos/crypto/aes-cts.js';
import { AES128_CTS_HMAC_SHA1_96, AES256_CTS_HMAC_SHA1_96 } from '../../../../client/wire/kerberos/crypto/aes-sha1-encryption-types.js';
import {
  AES128_CTS_HMAC_SHA256_128,
  AES256_CTS_HMAC_SHA384_192,
} from '../../../../client/wire/kerberos/crypto/aes-sha2-encryption-types.js';
import { encryptionType, encryptionTypeByName } from '../../../../client/wire/kerberos/crypto/encryption-types.js';
import { KeyUsage } from '../../../../client/wire/kerberos/crypto/key-usage.js';
import { nFold } from '../../../../client/wire/kerberos/crypto/n-fold.js';
import { KerberosEncryptionTypeError, KerberosIntegrityError } from '../../../../client/wire/kerberos/kerberos-errors.js';

const hex = (s: string) => Buffer.from(s, 'hex');
const iterations = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
};

describe('RFC 3961 n-fold (appendix A.1)', () => {
  it.each([
    [64, '012345', 'be072631276b1955'],
    [56, 'password', '78a07b6caf85fa'],
    [64, 'Rough Consensus, and Running Code', 'bb6ed30870b7f0e0'],
    [168, 'password', '59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e'],
    [192, 'MASSACHVSETTS INSTITVTE OF TECHNOLOGY', 'db3b0d8f0b061e603282b308a50841229ad798fab9540c1b'],
    [168, 'Q', '518a54a215a8452a518a54a215a8452a518a54a215'],
    [168, 'ba', 'fb25d531ae8974499f52fd92ea9857c4ba24cf297e'],
    [64, 'kerberos', '6b65726265726f73'],
    [128, 'kerberos', '6b65726265726f737b9b5b2b93132b93'],
  ])('%i-fold of "%s"', (bits, input, expected) => {
    expect(nFold(Buffer.from(input), bits / 8).toString('hex')).toBe(expected);
  });
});

describe('RFC 3962 appendix B', () => {
  const saltBytes = hex('1234567878563412').toString('latin1');
  const vectors: [number, string | Buffer, string | Buffer, string, string][] = [
    [
      1,
      'password',
      'ATHENA.MIT.EDUraeburn',
      '42263c6e89f4fc28b8df68ee09799f15',
      'fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161',
    ],
    [
      2,
      'password',
      'ATHENA.MIT.EDUraeburn',
      'c651bf29e2300ac27fa469d693bdda13',
      'a2e16d16b36069c135d5e9d2e25f896102685618b95914b467c67622225824ff',
    ],
    [
      1200,
      'password',
      'ATHENA.MIT.EDUraeburn',
      '4c01cd46d632d01e6dbe230a01ed642a',
      '55a6ac740ad17b4846941051e1e8b0a7548d93b0ab30a8bc3ff16280382b8c2a',
    ],
    [
      5,
      'password',
      Buffer.from(saltBytes, 'latin1'),
      'e9b23d52273747dd5c35cb55be619d8e',
      '97a4e786be20d81a382d5ebc96d5909cabcdadc87ca48f574504159f16c36e31',
    ],
    [
      1200,
      'X'.repeat(64),
      'pass phrase equals block size',
      '59d1bb789a828b1aa54ef9c2883f69ed',
      '89adee3608db8bc71f1bfbfe459486b05618b70cbae22092534e56c553ba4b34',
    ],
    [
      1200,
      'X'.repeat(65),
      'pass phrase exceeds block size',
      'cb8005dc5f90179a7f02104c0018751d',
      'd78c5c9cb872a8c9dad4697f0bb5b2d21496c82beb2caeda2112fceea057401b',
    ],
    [
      50,
      hex('f09d849e'),
      'EXAMPLE.COMpianist',
      'f149c1f2e154a73452d43e7fe62a56e5',
      '4b6d9839f84406df1f09cc166db4b83c571848b784a3d6bdc346589a3e393f9e',
    ],
  ];
  it.each(vectors)('string-to-key, %i iterations', (count, password, salt, aes128, aes256) => {
    expect(AES128_CTS_HMAC_SHA1_96.stringToKey(password, salt, iterations(count)).toString('hex')).toBe(aes128);
    expect(AES256_CTS_HMAC_SHA1_96.stringToKey(password, salt, iterations(count)).toString('hex')).toBe(aes256);
  });

  const key = Buffer.from('chicken teriyaki');
  it.each([
    ['4920776f756c64206c696b652074686520', 'c6353568f2bf8cb4d8a580362da7ff7f97'],
    ['4920776f756c64206c696b65207468652047656e6572616c20476175277320', 'fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5'],
    [
      '4920776f756c64206c696b65207468652047656e6572616c2047617527732043',
      '39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584',
    ],
    [
      '4920776f756c64206c696b65207468652047656e6572616c20476175277320436869636b656e2c20706c656173652c',
      '97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e39312523a78662d5be7fcbcc98ebf5',
    ],
    [
      '4920776f756c64206c696b65207468652047656e6572616c20476175277320436869636b656e2c20706c656173652c20',
      '97687268d6ecccc0c07b25e25ecfe5849dad8bbb96c4cdc03bc103e1a194bbd839312523a78662d5be7fcbcc98ebf5a8',
    ],
    [
      '4920776f756c64206c696b65207468652047656e6572616c20476175277320436869636b656e2c20706c656173652c20616e6420776f6e746f6e20736f75702e',
      '97687268d6ecccc0c07b25e25ecfe58439312523a78662d5be7fcbcc98ebf5a84807efe836ee89a526730dbc2f7bc8409dad8bbb96c4cdc03bc103e1a194bbd8',
    ],
  ])('AES-CTS of %s', (plain, cipher) => {
    expect(aesCtsEncrypt(key, hex(plain)).toString('hex')).toBe(cipher);
    expect(aesCtsDecrypt(key, hex(cipher)).toString('hex')).toBe(plain);
  });

  it.each([AES128_CTS_HMAC_SHA1_96, AES256_CTS_HMAC_SHA1_96])('$name encrypts, decrypts, and refuses the wrong key', (type) => {
    const key = type.stringToKey('secret', 'EXAMPLE.COMuser');
    for (const length of [0, 1, 15, 16, 17, 31, 32, 100]) {
      const plain = Buffer.alloc(length, 7);
      const sealed = type.encrypt(key, KeyUsage.AS_REP_ENC_PART, plain);
      expect(sealed.length).toBe(16 + length + 12);
      expect(type.decrypt(key, KeyUsage.AS_REP_ENC_PART, sealed)).toEqual(plain);
      expect(() => type.decrypt(key, KeyUsage.KDC_REP_TICKET, sealed)).toThrow(KerberosIntegrityError);
      expect(() => type.decrypt(type.stringToKey('wrong', 'EXAMPLE.COMuser'), KeyUsage.AS_REP_ENC_PART, sealed)).toThrow(
        /integrity check failed/,
      );
    }
    expect(type.checksum(key, 1, Buffer.from('x'))).toHaveLength(12);
  });
});

describe('RFC 8009 appendix A', () => {
  const salt = Buffer.concat([hex('10df9dd783e5bc8acea1730e74355f61'), Buffer.from('ATHENA.MIT.EDUraeburn')]);
  it('string-to-key', () => {
    expect(AES128_CTS_HMAC_SHA256_128.stringToKey('password', salt, iterations(32768)).toString('hex')).toBe(
      '089bca48b105ea6ea77ca5d2f39dc5e7',
    );
    expect(AES256_CTS_HMAC_SHA384_192.stringToKey('password', salt).toString('hex')).toBe(
      '45bd806dbf6a833a9cffc1c94589a222367a79bc21c413718906e9f578a78467',
    );
  });

  const aes128Key = hex('3705d96080c17728a0e800eab6e0d23c');
  const aes256Key = hex('6d404d37faf79f9df0d33568d320669800eb4836472ea8a026d16b7182460c52');
  it('key derivation for usage 2', () => {
    const k128 = AES128_CTS_HMAC_SHA256_128.deriveKeys(aes128Key, 2);
    expect([k128.kc, k128.ke, k128.ki].map((k) => k.toString('hex'))).toEqual([
      'b31a018a48f54776f403e9a396325dc3',
      '9b197dd1e8c5609d6e67c3e37c62c72e',
      '9fda0e56ab2d85e1569a688696c26a6c',
    ]);
    const k256 = AES256_CTS_HMAC_SHA384_192.deriveKeys(aes256Key, 2);
    expect([k256.kc, k256.ke, k256.ki].map((k) => k.toString('hex'))).toEqual([
      'ef5718be86cc84963d8bbb5031e9f5c4ba41f28faf69e73d',
      '56ab22bee63d82d7bc5227f6773f8ea7a5eb1c825160c38312980c442e5c7e49',
      '69b16514e3cd8e56b82010d5c73012b622c4d00ffc23ed1f',
    ]);
  });

  it.each([
    ['', '7e5895eaf2672435bad817f545a37148', 'ef85fb890bb8472f4dab20394dca781dad877eda39d50c870c0d5a0a8e48c718'],
    ['000102030405', '7bca285e2fd4130fb55b1a5c83bc5b24', '84d7f30754ed987bab0bf3506beb09cfb55402cef7e6877ce99e247e52d16ed4421dfdf8976c'],
    [
      '000102030405060708090a0b0c0d0e0f',
      '56ab21713ff62c0a1457200f6fa9948f',
      '3517d640f50ddc8ad3628722b3569d2ae07493fa8263254080ea65c1008e8fc295fb4852e7d83e1e7c48c37eebe6b0d3',
    ],
    [
      '000102030405060708090a0b0c0d0e0f1011121314',
      'a7a4e29a4728ce10664fb64e49ad3fac',
      '720f73b18d9859cd6ccb4346115cd336c70f58edc0c4437c5573544c31c813bce1e6d072c186b39a413c2f92ca9b8334a287ffcbfc',
    ],
  ])('aes128-cts-hmac-sha256-128 encryption of "%s"', (plain, confounder, cipher) => {
    expect(AES128_CTS_HMAC_SHA256_128.encrypt(aes128Key, 2, hex(plain), hex(confounder)).toString('hex')).toBe(cipher);
    expect(AES128_CTS_HMAC_SHA256_128.decrypt(aes128Key, 2, hex(cipher)).toString('hex')).toBe(plain);
  });

  it.each([
    ['', 'f764e9fa15c276478b2c7d0c4e5f58e4', '41f53fa5bfe7026d91faf9be959195a058707273a96a40f0a01960621ac612748b9bbfbe7eb4ce3c'],
    [
      '000102030405',
      'b80d3251c1f6471494256ffe712d0b9a',
      '4ed7b37c2bcac8f74f23c1cf07e62bc7b75fb3f637b9f559c7f664f69eab7b6092237526ea0d1f61cb20d69d10f2',
    ],
    [
      '000102030405060708090a0b0c0d0e0f',
      '53bf8a0d105265d4e276428624ce5e63',
      'bc47ffec7998eb91e8115cf8d19dac4bbbe2e163e87dd37f49beca92027764f68cf51f14d798c2273f35df574d1f932e40c4ff255b36a266',
    ],
    [
      '000102030405060708090a0b0c0d0e0f1011121314',
      '763e65367e864f02f55153c7e3b58af1',
      '40013e2df58e8751957d2878bcd2d6fe101ccfd556cb1eae79db3c3ee86429f2b2a602ac86fef6ecb647d6295fae077a1feb517508d2c16b4192e01f62',
    ],
  ])('aes256-cts-hmac-sha384-192 encryption of "%s"', (plain, confounder, cipher) => {
    expect(AES256_CTS_HMAC_SHA384_192.encrypt(aes256Key, 2, hex(plain), hex(confounder)).toString('hex')).toBe(cipher);
    expect(AES256_CTS_HMAC_SHA384_192.decrypt(aes256Key, 2, hex(cipher)).toString('hex')).toBe(plain);
    const tampered = hex(cipher);
    tampered[0] ^= 1;
    expect(() => AES256_CTS_HMAC_SHA384_192.decrypt(aes256Key, 2, tampered)).toThrow(KerberosIntegrityError);
  });

  it('checksums', () => {
    const data = hex('000102030405060708090a0b0c0d0e0f1011121314');
    expect(AES128_CTS_HMAC_SHA256_128.checksum(aes128Key, 2, data).toString('hex')).toBe('d78367186643d67b411cba9139fc1dee');
    expect(AES256_CTS_HMAC_SHA384_192.checksum(aes256Key, 2, data).toString('hex')).toBe(
      '45ee791567eefca37f4ac1e0222de80d43c3bfa06699672a',
    );
  });
});

describe('encryption types by number and name', () => {
  it('finds the four AES types', () => {
    expect([17, 18, 19, 20].map((id) => encryptionType(id).name)).toEqual([
      'aes128-cts-hmac-sha1-96',
      'aes256-cts-hmac-sha1-96',
      'aes128-cts-hmac-sha256-128',
      'aes256-cts-hmac-sha384-192',
    ]);
    expect(encryptionTypeByName('aes256-cts-hmac-sha1-96').id).toBe(18);
  });

  it('refuses rc4-hmac and DES by name', () => {
    expect(() => encryptionType(23)).toThrow(/rc4-hmac \(23\) is weak and not supported/);
    expect(() => encryptionType(3)).toThrow(/des-cbc-md5 \(3\)/);
    expect(() => encryptionType(16)).toThrow(KerberosEncryptionTypeError);
    expect(() => encryptionTypeByName('rc4-hmac')).toThrow(/rc4-hmac \(23\)/);
    expect(() => encryptionType(99)).toThrow(/type 99 is not supported/);
  });
});
