import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration } from '../../../client/conf/configuration.js';

/** Temporary directories for configuration files, removed by `cleanup()` (call it in afterEach). */
export class TempConfDirs {
  private dirs: string[] = [];

  /** A new directory holding `files` (name -> content). */
  make(files: Record<string, string> = {}): string {
    const dir = mkdtempSync(join(tmpdir(), 'loom-conf-'));
    this.dirs.push(dir);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return dir;
  }

  cleanup(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** A configuration document with the given properties in element form. */
export function siteXml(props: Record<string, string>, finals: string[] = []): string {
  const body = Object.entries(props)
    .map(
      ([k, v]) =>
        `  <property>\n    <name>${k}</name>\n    <value>${v}</value>${finals.includes(k) ? '\n    <final>true</final>' : ''}\n  </property>`,
    )
    .join('\n');
  return `<?xml version="1.0"?>\n<configuration>\n${body}\n</configuration>\n`;
}

/** Defaults (with an empty environment) plus `props` set from code. */
export function confWith(props: Record<string, string>): Configuration {
  const conf = Configuration.withDefaults({});
  for (const [k, v] of Object.entries(props)) conf.set(k, v);
  return conf;
}
