import { ALL_LOOM_OPTIONS, type LoomOption } from './loom-config-options.js';

/**
 * The text of `conf/loom.yaml` as shipped: every key Loom reads, commented out, with its
 * description and default, so a user uncomments what they change (as Flink's flink-conf.yaml).
 * The repository's `conf/loom.yaml` is this text; a test keeps the two equal.
 */
export function loomYamlTemplate(options: readonly LoomOption<unknown>[] = ALL_LOOM_OPTIONS): string {
  const lines = [
    '# Loom configuration. Every key Loom reads is listed below, commented out, with its default.',
    '# Uncomment and change what you need; `-D key=value` on the command line overrides this file.',
    "# Loom reads ./conf/loom.yaml, or loom.yaml in $LOOM_CONF_DIR. Hadoop's own settings (the",
    '# ResourceManager, HDFS) come from $HADOOP_CONF_DIR, not from here.',
    '',
  ];
  for (const option of options) {
    lines.push(`# ${option.description}`);
    lines.push(option.defaultText === undefined ? `# ${option.key}:` : `# ${option.key}: ${quoteIfNeeded(option.defaultText)}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** YAML would read some texts as another type or as syntax (e.g. `none`, `1:2`, a leading `*`). */
function quoteIfNeeded(text: string): string {
  return /^[A-Za-z0-9._/-]+$/.test(text) ? text : JSON.stringify(text);
}
