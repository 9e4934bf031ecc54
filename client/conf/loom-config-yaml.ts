import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Scalar } from 'yaml';
import { ConfigurationError } from './configuration-error.js';

/**
 * Reads loom.yaml into flat `key -> text` entries. Both shapes Flink users write are accepted, and
 * may be mixed: flat keys (`jobmanager.memory.process.size: 1024m`, flink-conf.yaml) and nested
 * maps (`jobmanager: {memory: {process.size: 1024m}}`, Flink 2's config.yaml). Plain scalars keep
 * their text as written (`1.50` stays `1.50`, big numbers stay exact); lists are joined with `;`,
 * Flink's list separator.
 */

export interface YamlEntry {
  key: string;
  value: string;
  /** `file:line`, for messages. */
  origin: string;
}

export interface YamlReadResult {
  entries: YamlEntry[];
  warnings: string[];
}

export function readLoomYaml(text: string, fileName: string): YamlReadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const first = doc.errors.at(0);
  if (first) {
    const { line, col } = lines.linePos(first.pos[0]);
    const reason = first.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
    throw new ConfigurationError(
      `${fileName}:${line}:${col}: invalid YAML: ${reason} (line ${line}, column ${col}); fix the file or move it aside`,
    );
  }

  const entries: YamlEntry[] = [];
  const warnings: string[] = [];
  const where = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0];
    return offset === undefined ? fileName : `${fileName}:${lines.linePos(offset).line}`;
  };
  const fail = (node: Node | null | undefined, problem: string): never => {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = lines.linePos(offset);
    throw new ConfigurationError(`${fileName}:${line}:${col}: ${problem}`);
  };

  const walk = (node: unknown, prefix: string): void => {
    if (!isMap(node)) return fail(node as Node, `expected "key: value" lines${prefix ? ` under ${prefix}` : ''}`);
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object')
        fail(keyNode, 'a key must be a plain name such as taskmanager.numberOfTaskSlots');
      const name = scalarText(keyNode as Scalar).trim();
      const key = prefix ? `${prefix}.${name}` : name;
      const value = pair.value as Node | null;
      if (isMap(value)) {
        walk(value, key);
      } else if (isSeq(value)) {
        const items = value.items.map((item) => {
          if (!isScalar(item) || item.value === null) return fail(item as Node, `${key}: list items must be plain values`);
          return scalarText(item);
        });
        entries.push({ key, value: items.join(';'), origin: where(keyNode) });
      } else if (isScalar(value) && value.value !== null) {
        entries.push({ key, value: scalarText(value), origin: where(keyNode) });
      } else if (value === null || (isScalar(value) && value.value === null)) {
        warnings.push(`${where(keyNode)}: ${key} has no value and is ignored; give it a value or remove the line`);
      } else {
        fail(value, `${key}: unsupported YAML value (aliases and tags are not used in loom.yaml)`);
      }
    }
  };

  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return { entries, warnings };
  walk(doc.contents, '');

  // The same key written twice (flat and nested): the later line wins, as if it were a -D.
  const seen = new Map<string, YamlEntry>();
  for (const e of entries) {
    const before = seen.get(e.key);
    if (before) warnings.push(`${e.origin}: ${e.key} is also set at ${before.origin}; the later value ${JSON.stringify(e.value)} is used`);
    seen.set(e.key, e);
  }
  return { entries: [...seen.values()], warnings };
}

/** The text as written for plain scalars; the decoded string for quoted and block scalars. */
function scalarText(s: Scalar): string {
  if (s.type === 'PLAIN' && typeof s.source === 'string') return s.source;
  return String(s.value);
}
