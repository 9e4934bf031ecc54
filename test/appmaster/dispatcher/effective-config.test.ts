import { describe, expect, it } from 'vitest';
import { effectiveConfigEntries, redactConfig } from '../../../appmaster/dispatcher/effective-config.js';
import { Configuration } from '../../../client/conf/configuration.js';
import { LoomConfig } from '../../../client/conf/loom-config.js';

describe('the effective configuration', () => {
  it('lists Loom options and the Hadoop keys the AM uses, redacting secrets by key and the cluster secret by value', () => {
    const loom = LoomConfig.empty().set('loom.rest.note', 'the secret is abcdefabcdefabcdef').set('my.keytab.path', '/etc/x.keytab');
    const hadoop = Configuration.withDefaults({})
      .set('fs.defaultFS', 'hdfs://nn:9000')
      .set('dfs.web.authentication.token.validity', '36000');
    const entries = redactConfig(effectiveConfigEntries(loom, hadoop), 'abcdefabcdefabcdef');
    const value = (key: string) => entries.find((e) => e.key === key)?.value;
    expect(value('loom.rest.note')).toBe('******');
    expect(value('my.keytab.path')).toBe('******');
    expect(value('dfs.web.authentication.token.validity')).toBe('******');
    expect(value('fs.defaultFS')).toBe('hdfs://nn:9000');
    expect(entries.find((e) => e.key === 'yarn.resourcemanager.scheduler.address')).toMatchObject({ source: 'hadoop' });
    expect(JSON.stringify(entries)).not.toContain('abcdefabcdefabcdef');
  });
});
