import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_LOOM_OPTIONS } from '../../../client/conf/loom-config-options.js';
import { LoomConfig } from '../../../client/conf/loom-config.js';
import { loomYamlTemplate } from '../../../client/conf/loom-yaml-template.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const shipped = readFileSync(new URL('../../../conf/loom.yaml', import.meta.url), 'utf8');

describe('conf/loom.yaml, the template the README names', () => {
  it('is the text rendered from the option table (run scripts/write-loom-yaml-template.js after changing an option)', () => {
    expect(shipped).toBe(loomYamlTemplate());
  });

  it('lists every key Loom reads', () => {
    for (const option of ALL_LOOM_OPTIONS) expect(shipped).toContain(`# ${option.key}:`);
  });

  it('as shipped sets nothing: loading it from the repository root gives every default and no warning', () => {
    const config = LoomConfig.load({ cwd: repoRoot, env: {} });
    expect(config.file).toBe(`${repoRoot}conf/loom.yaml`);
    expect(config.keys()).toEqual([]);
    expect(config.warnings()).toEqual([]);
  });

  it('with every default uncommented, loads without error to the same values as the defaults', () => {
    const uncommented = shipped
      .split('\n')
      .filter((line) => /^# [A-Za-z][\w.-]*: \S/.test(line))
      .map((line) => line.slice(2))
      .join('\n');
    const config = LoomConfig.fromYaml(uncommented);
    expect(config.warnings()).toEqual([]);
    for (const option of ALL_LOOM_OPTIONS) {
      if (option.defaultText === undefined) continue;
      expect(config.keys()).toContain(option.key);
      expect(config.get(option), option.key).toEqual(option.defaultValue);
    }
  });
});
