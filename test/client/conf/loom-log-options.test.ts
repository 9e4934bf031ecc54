// loom.log.level and loom.log.format: defaults, any case, and a bad value refused naming the key, the value and the allowed ones.
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../client/conf/configuration-error.js';
import { LoomConfig, LoomOptions } from '../../../client/conf/loom-config.js';

describe('loom.log.level and loom.log.format', () => {
  it('default to info and text, and read what is set (any case)', () => {
    const empty = LoomConfig.empty();
    expect(empty.get(LoomOptions.logLevel)).toBe('info');
    expect(empty.get(LoomOptions.logFormat)).toBe('text');
    const set = LoomConfig.empty();
    set.set('loom.log.level', 'DEBUG');
    set.set('loom.log.format', 'json');
    expect(set.get(LoomOptions.logLevel)).toBe('debug');
    expect(set.get(LoomOptions.logFormat)).toBe('json');
  });

  it.each([
    ['loom.log.level', 'verbose', /^loom\.log\.level="verbose" \(from programmatically\) is not one of debug, info, warn, error$/],
    ['loom.log.format', 'xml', /^loom\.log\.format="xml" \(from programmatically\) is not one of text, json$/],
  ])('%s=%s is a ConfigurationError naming the key, the value and the allowed values', (key, value, message) => {
    let thrown: unknown;
    try {
      LoomConfig.empty().set(key, value).validate();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as ConfigurationError).message).toMatch(message);
    expect((thrown as ConfigurationError).key).toBe(key);
  });
});
