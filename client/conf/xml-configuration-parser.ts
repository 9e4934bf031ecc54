import { LoomError } from '../errors/loom-error.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseXmlDocument, XmlSyntaxError, type XmlElement } from './xml-document.js';

/**
 * Reads Hadoop configuration XML (`<configuration><property>...`) the way Hadoop 3's
 * Configuration parser does: element form and attribute form of `<property>`, `final`, `source`,
 * and `xi:include` (href relative to the including file, `xi:fallback` when the target is missing).
 */

export interface ConfigurationProperty {
  name: string;
  /** Undefined when the property has no `<value>`: Hadoop then sets nothing (but honours `final`). */
  value: string | undefined;
  final: boolean;
  /** The file (or the name given to inline XML) the property was read from. */
  resource: string;
  line: number;
}

export interface ParsedConfiguration {
  properties: ConfigurationProperty[];
  warnings: string[];
}

export type ConfigurationSource = string | { xml: string; name: string };

export class ConfigurationFileError extends LoomError {
  static override readonly code: string = 'CONFIGURATION_FILE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationFileError';
  }
}

const XINCLUDE_NS = 'http://www.w3.org/2001/XInclude';
const MAX_INCLUDE_DEPTH = 16;

export function parseConfigurationSource(source: ConfigurationSource): ParsedConfiguration {
  const out: ParsedConfiguration = { properties: [], warnings: [] };
  if (typeof source === 'string') parseFile(source, out, 0);
  else parseText(source.xml, source.name, out, 0);
  return out;
}

function parseFile(path: string, out: ParsedConfiguration, depth: number): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ConfigurationFileError(`cannot read Hadoop configuration file ${path}: ${why}`);
  }
  parseText(text, path, out, depth);
}

function parseText(xml: string, resource: string, out: ParsedConfiguration, depth: number): void {
  const root = parseXmlDocument(xml, resource);
  const walker = new ConfigurationWalker(resource, out, depth);
  if (localName(root.name) !== 'configuration') {
    throw new XmlSyntaxError(
      resource,
      root.line,
      `the root element is <${root.name}>; a Hadoop configuration file starts with <configuration>`,
    );
  }
  walker.children(root, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]));
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

function textOf(el: XmlElement): string {
  return el.children.map((c) => (c.kind === 'text' ? c.text : '')).join('');
}

class ConfigurationWalker {
  constructor(
    private readonly resource: string,
    private readonly out: ParsedConfiguration,
    private readonly depth: number,
  ) {}

  /** Walk the children of `<configuration>` (or of an `xi:fallback`). Unknown elements are ignored, as in Hadoop. */
  children(parent: XmlElement, outerScope: Map<string, string>): void {
    const scope = withNamespaces(parent, outerScope, this.resource);
    for (const child of parent.children) {
      if (child.kind !== 'element') continue;
      const childScope = withNamespaces(child, scope, this.resource);
      if (this.isXInclude(child, childScope, 'include')) this.include(child, childScope);
      else if (child.name === 'property') this.property(child);
    }
  }

  private isXInclude(el: XmlElement, scope: Map<string, string>, name: string): boolean {
    if (localName(el.name) !== name) return false;
    const colon = el.name.indexOf(':');
    const ns = scope.get(colon < 0 ? '' : el.name.slice(0, colon));
    return ns === XINCLUDE_NS;
  }

  private property(el: XmlElement): void {
    let name = el.attributes.get('name');
    let value = el.attributes.get('value');
    let final = el.attributes.get('final')?.trim() === 'true';
    for (const child of el.children) {
      if (child.kind !== 'element') continue;
      const text = textOf(child);
      if (child.name === 'name') name = text;
      else if (child.name === 'value') value = text;
      else if (child.name === 'final') final = text.trim() === 'true';
      // description, source, tag: informational only.
    }
    name = name?.trim();
    if (!name) {
      this.out.warnings.push(`${this.resource}:${el.line}: <property> without a <name> ignored`);
      return;
    }
    this.out.properties.push({ name, value, final, resource: this.resource, line: el.line });
  }

  private include(el: XmlElement, scope: Map<string, string>): void {
    const href = el.attributes.get('href');
    if (!href) throw new XmlSyntaxError(this.resource, el.line, '<xi:include> without an href attribute');
    if (this.depth >= MAX_INCLUDE_DEPTH) {
      throw new ConfigurationFileError(
        `${this.resource}:${el.line}: xi:include nested more than ${MAX_INCLUDE_DEPTH} deep (an include cycle?) at href="${href}"`,
      );
    }
    const path = href.startsWith('file:') ? new URL(href).pathname : isAbsolute(href) ? href : resolve(dirname(this.resource), href);
    if (existsSync(path)) {
      parseFile(path, this.out, this.depth + 1);
      return;
    }
    const fallback = el.children.find(
      (c): c is XmlElement => c.kind === 'element' && this.isXInclude(c, withNamespaces(c, scope, this.resource), 'fallback'),
    );
    if (!fallback) {
      throw new ConfigurationFileError(
        `${this.resource}:${el.line}: xi:include of "${href}" failed: ${path} does not exist and there is no <xi:fallback>`,
      );
    }
    this.children(fallback, scope);
  }
}

/** The namespace prefixes in scope inside `el`; an undeclared prefix is a well-formedness error. */
function withNamespaces(el: XmlElement, outer: Map<string, string>, resource: string): Map<string, string> {
  let scope = outer;
  for (const [attr, uri] of el.attributes) {
    if (attr === 'xmlns' || attr.startsWith('xmlns:')) {
      if (scope === outer) scope = new Map(outer);
      scope.set(attr === 'xmlns' ? '' : attr.slice(6), uri);
    }
  }
  const colon = el.name.indexOf(':');
  if (colon > 0 && !scope.has(el.name.slice(0, colon))) {
    throw new XmlSyntaxError(
      resource,
      el.line,
      `namespace prefix "${el.name.slice(0, colon)}" of <${el.name}> is not declared (add xmlns:${el.name.slice(0, colon)}="...")`,
    );
  }
  return scope;
}
