import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { LoomConfig } from '../../../client/conf/loom-config.js';
import { dispatcherSettings } from '../../../appmaster/dispatcher/dispatcher-settings.js';

describe('dispatcherSettings', () => {
  it('binds to NM_HOST and advertises it by default, with a free port', () => {
    expect(dispatcherSettings(LoomConfig.empty(), { NM_HOST: 'node7.example.com' })).toEqual({
      host: 'node7.example.com',
      port: 0,
      advertisedHost: 'node7.example.com',
      maxBodyBytes: 1024 * 1024,
      refreshIntervalMs: 3000,
    });
  });

  it('rest.bind-address 0.0.0.0 listens everywhere but still advertises NM_HOST', () => {
    const config = LoomConfig.fromYaml(
      'rest:\n  bind-address: 0.0.0.0\n  port: 40123\nrest.server.max-content-length: 64k\nweb.refresh-interval: 10 s\n',
    );
    expect(dispatcherSettings(config, { NM_HOST: 'node7' })).toEqual({
      host: '0.0.0.0',
      port: 40123,
      advertisedHost: 'node7',
      maxBodyBytes: 65536,
      refreshIntervalMs: 10_000,
    });
    expect(dispatcherSettings(config, {}).advertisedHost).toBe(hostname());
  });

  it('outside a container it stays on 127.0.0.1', () => {
    expect(dispatcherSettings(LoomConfig.empty(), {})).toMatchObject({ host: '127.0.0.1', advertisedHost: '127.0.0.1' });
  });
});
