import { describe, expect, it } from 'vitest';
import { confWith } from './temp-conf-dir.js';
import { resourceManagerAddresses } from '../../../client/conf/rm-addresses.js';

const conf = confWith;

describe('resourceManagerAddresses without HA', () => {
  it("follows yarn.resourcemanager.hostname into every service's default port", () => {
    const c = conf({ 'yarn.resourcemanager.hostname': 'rm.example' });
    expect(resourceManagerAddresses(c, 'client')).toEqual([{ host: 'rm.example', port: 8032 }]);
    expect(resourceManagerAddresses(c, 'scheduler')).toEqual([{ host: 'rm.example', port: 8030 }]);
    expect(resourceManagerAddresses(c, 'admin')).toEqual([{ host: 'rm.example', port: 8033 }]);
    expect(resourceManagerAddresses(c, 'webapp')).toEqual([{ host: 'rm.example', port: 8088, scheme: 'http' }]);
  });

  it('uses an explicit address, its default port when none is written, and https for HTTPS_ONLY', () => {
    const c = conf({
      'yarn.resourcemanager.address': 'a.example:18032',
      'yarn.resourcemanager.scheduler.address': 'b.example',
      'yarn.http.policy': 'HTTPS_ONLY',
    });
    expect(resourceManagerAddresses(c, 'client')).toEqual([{ host: 'a.example', port: 18032 }]);
    expect(resourceManagerAddresses(c, 'scheduler')).toEqual([{ host: 'b.example', port: 8030 }]);
    expect(resourceManagerAddresses(c, 'webapp')).toEqual([{ host: '0.0.0.0', port: 8090, scheme: 'https' }]);
  });

  it('names the key of a bad address', () => {
    expect(() => resourceManagerAddresses(conf({ 'yarn.resourcemanager.address': 'host:99999' }), 'client')).toThrow(
      'yarn.resourcemanager.address="host:99999" is not a valid host:port address: port "99999" is not a number from 0 to 65535',
    );
  });
});

describe('resourceManagerAddresses with HA', () => {
  const ha = {
    'yarn.resourcemanager.ha.enabled': 'true',
    'yarn.resourcemanager.ha.rm-ids': ' rm2 , rm1 ,rm3',
    'yarn.resourcemanager.address.rm1': 'one.example:1111',
    'yarn.resourcemanager.hostname.rm1': 'ignored-for-client.example',
    'yarn.resourcemanager.hostname.rm2': 'two.example',
    'yarn.resourcemanager.hostname.rm3': '[::1]',
    'yarn.resourcemanager.webapp.address.rm2': 'two-web.example:18088',
    'yarn.resourcemanager.hostname': 'not-used.example',
  };

  it('lists every rm-id in order, per-id address first, else hostname.<id> with the default port', () => {
    expect(resourceManagerAddresses(conf(ha), 'client')).toEqual([
      { host: 'two.example', port: 8032, rmId: 'rm2' },
      { host: 'one.example', port: 1111, rmId: 'rm1' },
      { host: '::1', port: 8032, rmId: 'rm3' },
    ]);
    expect(resourceManagerAddresses(conf(ha), 'scheduler').map((a) => `${a.rmId}=${a.host}:${a.port}`)).toEqual([
      'rm2=two.example:8030',
      'rm1=ignored-for-client.example:8030',
      'rm3=::1:8030',
    ]);
    expect(resourceManagerAddresses(conf(ha), 'webapp')[0]).toEqual({ host: 'two-web.example', port: 18088, rmId: 'rm2', scheme: 'http' });
  });

  it('uses webapp.https.address.<id> under HTTPS_ONLY', () => {
    const c = conf({ ...ha, 'yarn.http.policy': 'HTTPS_ONLY', 'yarn.resourcemanager.webapp.https.address.rm1': 'secure.example:443' });
    expect(resourceManagerAddresses(c, 'webapp')).toEqual([
      { host: 'two.example', port: 8090, rmId: 'rm2', scheme: 'https' },
      { host: 'secure.example', port: 443, rmId: 'rm1', scheme: 'https' },
      { host: '::1', port: 8090, rmId: 'rm3', scheme: 'https' },
    ]);
  });

  it('explains an HA configuration without rm-ids', () => {
    expect(() => resourceManagerAddresses(conf({ 'yarn.resourcemanager.ha.enabled': 'true' }), 'client')).toThrow(
      /^yarn\.resourcemanager\.ha\.enabled is true but yarn\.resourcemanager\.ha\.rm-ids is not set/,
    );
  });

  it('names the missing keys of an id without an address', () => {
    const c = conf({
      'yarn.resourcemanager.ha.enabled': 'true',
      'yarn.resourcemanager.ha.rm-ids': 'rm1,rm2',
      'yarn.resourcemanager.hostname.rm1': 'one',
    });
    expect(() => resourceManagerAddresses(c, 'scheduler')).toThrow(
      'ResourceManager rm2 (listed in yarn.resourcemanager.ha.rm-ids) has no address: set yarn.resourcemanager.scheduler.address.rm2 or yarn.resourcemanager.hostname.rm2',
    );
  });
});
