/**
 * A small, strict XML reader: enough of XML 1.0 for Hadoop configuration files, with no dependency.
 * It builds an element tree (text and CDATA merged into text nodes) and reports every
 * well-formedness error with the resource name and the 1-based line where it was found.
 * DOCTYPE declarations are skipped (no custom entities), as Hadoop's own parser never needs them.
 */

import { LoomError } from '../errors/loom-error.js';
export interface XmlElement {
  kind: 'element';
  /** Qualified name as written, e.g. `xi:include`. */
  name: string;
  attributes: Map<string, string>;
  children: XmlNode[];
  line: number;
}

export interface XmlText {
  kind: 'text';
  text: string;
  line: number;
}

export type XmlNode = XmlElement | XmlText;

export class XmlSyntaxError extends LoomError {
  static override readonly code: string = 'XML_SYNTAX_INVALID';
  constructor(
    readonly resource: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${resource}:${line}: malformed XML: ${problem}`);
    this.name = 'XmlSyntaxError';
  }
}

const PREDEFINED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);
const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/;

/** Parse a whole document and return its root element. */
export function parseXmlDocument(text: string, resource: string): XmlElement {
  return new XmlReader(text, resource).document();
}

class XmlReader {
  private pos = 0;
  private line = 1;
  private readonly src: string;

  constructor(
    text: string,
    private readonly resource: string,
  ) {
    // XML end-of-line handling: every CR LF / lone CR is read as LF. A leading BOM is not content.
    this.src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  }

  document(): XmlElement {
    if (this.src.startsWith('<?xml')) this.processingInstruction(true);
    let root: XmlElement | undefined;
    for (;;) {
      this.skipWhitespace();
      if (this.pos >= this.src.length) break;
      if (this.src.startsWith('<!--', this.pos)) this.comment();
      else if (this.src.startsWith('<?', this.pos)) this.processingInstruction(false);
      else if (this.src.startsWith('<!DOCTYPE', this.pos)) {
        if (root) this.fail('DOCTYPE after the root element');
        this.doctype();
      } else if (this.src[this.pos] === '<') {
        if (root) this.fail('content after the root element (only one root element is allowed)');
        root = this.element();
      } else {
        this.fail(`text outside the root element: ${JSON.stringify(this.src.slice(this.pos, this.pos + 20))}`);
      }
    }
    if (!root) this.fail('no root element (the file is empty or holds only comments)');
    return root;
  }

  private fail(problem: string, line = this.line): never {
    throw new XmlSyntaxError(this.resource, line, problem);
  }

  private advance(n: number): void {
    for (let i = 0; i < n; i++) if (this.src.charCodeAt(this.pos + i) === 10) this.line++;
    this.pos += n;
  }

  private skipWhitespace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.advance(1);
  }

  /** Move past `terminator`, returning the text before it. */
  private until(terminator: string, what: string): string {
    const end = this.src.indexOf(terminator, this.pos);
    if (end < 0) this.fail(`unterminated ${what} (no "${terminator}")`);
    const body = this.src.slice(this.pos, end);
    this.advance(end - this.pos + terminator.length);
    return body;
  }

  private comment(): void {
    const start = this.line;
    this.advance(4);
    const body = this.until('-->', 'comment');
    if (body.includes('--')) this.fail('"--" inside a comment', start);
  }

  private processingInstruction(isDeclaration: boolean): void {
    const start = this.line;
    this.advance(2);
    const target = this.name();
    if (!isDeclaration && target.toLowerCase() === 'xml') this.fail('the XML declaration must be at the very start of the file', start);
    this.until('?>', 'processing instruction');
  }

  private doctype(): void {
    // Skip to the matching '>', stepping over an internal subset in [...] and quoted strings.
    this.advance('<!DOCTYPE'.length);
    let depth = 0;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '"' || c === "'") {
        this.advance(1);
        this.until(c, 'DOCTYPE literal');
        continue;
      }
      this.advance(1);
      if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '>' && depth <= 0) return;
    }
    this.fail('unterminated DOCTYPE');
  }

  private name(): string {
    const start = this.pos;
    if (!NAME_START.test(this.src[this.pos] ?? '')) this.fail(`expected a name, found ${this.describeHere()}`);
    while (this.pos < this.src.length && NAME_CHAR.test(this.src[this.pos])) this.pos++;
    return this.src.slice(start, this.pos);
  }

  private describeHere(): string {
    return this.pos >= this.src.length ? 'the end of the file' : JSON.stringify(this.src.slice(this.pos, this.pos + 12));
  }

  private element(): XmlElement {
    const line = this.line;
    this.advance(1); // '<'
    const name = this.name();
    const attributes = new Map<string, string>();
    for (;;) {
      const hadSpace = this.pos < this.src.length && /\s/.test(this.src[this.pos]);
      this.skipWhitespace();
      if (this.src.startsWith('/>', this.pos)) {
        this.advance(2);
        return { kind: 'element', name, attributes, children: [], line };
      }
      if (this.src[this.pos] === '>') {
        this.advance(1);
        break;
      }
      if (this.pos >= this.src.length) this.fail(`unterminated start tag <${name}>`, line);
      if (!hadSpace) this.fail(`expected whitespace, ">" or "/>" in <${name}>, found ${this.describeHere()}`);
      const attrLine = this.line;
      const attr = this.name();
      this.skipWhitespace();
      if (this.src[this.pos] !== '=') this.fail(`attribute "${attr}" of <${name}> has no value (expected =)`);
      this.advance(1);
      this.skipWhitespace();
      const quote = this.src[this.pos];
      if (quote !== '"' && quote !== "'") this.fail(`the value of attribute "${attr}" must be quoted`);
      this.advance(1);
      const raw = this.until(quote, `value of attribute "${attr}"`);
      if (raw.includes('<')) this.fail(`"<" in the value of attribute "${attr}" (write &lt;)`, attrLine);
      if (attributes.has(attr)) this.fail(`duplicate attribute "${attr}" in <${name}>`, attrLine);
      // Attribute-value normalisation: literal whitespace characters become spaces.
      attributes.set(attr, this.decodeEntities(raw, attrLine).replace(/[\t\n]/g, ' '));
    }
    const children = this.content(name, line);
    return { kind: 'element', name, attributes, children, line };
  }

  private content(parent: string, parentLine: number): XmlNode[] {
    const children: XmlNode[] = [];
    const pushText = (text: string, line: number) => {
      const last = children.at(-1);
      if (last?.kind === 'text') last.text += text;
      else children.push({ kind: 'text', text, line });
    };
    for (;;) {
      if (this.pos >= this.src.length) this.fail(`<${parent}> opened on line ${parentLine} is never closed`);
      if (this.src.startsWith('</', this.pos)) {
        const line = this.line;
        this.advance(2);
        const closing = this.name();
        this.skipWhitespace();
        if (this.src[this.pos] !== '>') this.fail(`malformed end tag </${closing}`);
        this.advance(1);
        if (closing !== parent) this.fail(`</${closing}> does not match <${parent}> opened on line ${parentLine}`, line);
        return children;
      }
      if (this.src.startsWith('<!--', this.pos)) this.comment();
      else if (this.src.startsWith('<![CDATA[', this.pos)) {
        const line = this.line;
        this.advance(9);
        pushText(this.until(']]>', 'CDATA section'), line);
      } else if (this.src.startsWith('<?', this.pos)) this.processingInstruction(false);
      else if (this.src.startsWith('<!', this.pos)) this.fail(`unexpected markup ${this.describeHere()}`);
      else if (this.src[this.pos] === '<') children.push(this.element());
      else {
        const line = this.line;
        const end = this.src.indexOf('<', this.pos);
        const raw = this.src.slice(this.pos, end < 0 ? this.src.length : end);
        if (raw.includes(']]>')) this.fail('"]]>" in text content (write ]]&gt;)');
        this.advance(raw.length);
        pushText(this.decodeEntities(raw, line), line);
      }
    }
  }

  /** Replace the five predefined entities and numeric character references; anything else is an error. */
  private decodeEntities(raw: string, startLine: number): string {
    if (!raw.includes('&')) return raw;
    return raw.replace(/&([^;&\s]*);?/g, (whole, ref: string, offset: number) => {
      const line = startLine + (raw.slice(0, offset).match(/\n/g)?.length ?? 0);
      if (!whole.endsWith(';')) this.fail(`"&" not part of an entity reference (write &amp;): ${JSON.stringify(whole)}`, line);
      const predefined = PREDEFINED_ENTITIES.get(ref);
      if (predefined !== undefined) return predefined;
      const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
      if (!numeric) this.fail(`unknown entity &${ref}; (only &lt; &gt; &amp; &quot; &apos; and &#N; are defined)`, line);
      const hex = numeric.at(1);
      const code = hex !== undefined ? parseInt(hex, 16) : parseInt(numeric[2], 10);
      if (!isXmlChar(code)) this.fail(`character reference &${ref}; is not a legal XML character`, line);
      return String.fromCodePoint(code);
    });
  }
}

/** XML 1.0 `Char` production. */
export function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
