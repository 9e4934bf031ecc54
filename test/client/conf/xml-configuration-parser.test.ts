import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigurationSource } from '../../../client/conf/xml-configuration-parser.js';
import { XmlSyntaxError } from '../../../client/conf/xml-document.js';
import { TempConfDirs } from './temp-conf-dir.js';

const dirs = new TempConfDirs();
afterEach(() => dirs.cleanup());

function props(xml: string, name = 'test.xml') {
  return parseConfigurationSource({ xml, name }).properties.map((p) => [p.name, p.value, p.final] as const);
}

function syntaxError(xml: string, name = 'bad-site.xml'): XmlSyntaxError {
  try {
    parseConfigurationSource({ xml, name });
  } catch (err) {
    expect(err).toBeInstanceOf(XmlSyntaxError);
    return err as XmlSyntaxError;
  }
  throw new Error('expected a syntax error');
}

describe('Hadoop configuration XML', () => {
  it('reads the prolog, stylesheet PI, comments, entities, numeric references and CDATA', () => {
    const xml = [
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?>',
      '<?xml-stylesheet type="text/xsl" href="configuration.xsl"?>',
      '<!DOCTYPE configuration [ <!ELEMENT configuration ANY> ]>',
      '<!-- a comment before the root -->',
      '<configuration>',
      '  <!-- <property><name>commented.out</name><value>x</value></property> -->',
      '  <property>',
      '    <name> a.entities </name>',
      '    <value>&lt;&gt;&amp;&quot;&apos; &#65;&#x42;&#x1F600;</value>',
      '    <description>five entities &amp; numeric references</description>',
      '  </property>',
      '  <property><name>b.cdata</name><value><![CDATA[<not> &markup;]]> and text</value><final>true</final></property>',
      '  <property><name>c.empty</name><value/></property>',
      '  <property><name>d.novalue</name><final>true</final></property>',
      '  <property><name>e.spaces</name><value>  kept as written  </value><source>x.xml</source></property>',
      '  <?some-pi inside?>',
      '</configuration>',
      '<!-- trailing comment -->',
    ].join('\r\n');
    expect(props(xml)).toEqual([
      ['a.entities', `<>&"' AB\u{1F600}`, false],
      ['b.cdata', '<not> &markup; and text', true],
      ['c.empty', '', false],
      ['d.novalue', undefined, true],
      ['e.spaces', '  kept as written  ', false],
    ]);
  });

  it('accepts the attribute form of <property>, as Hadoop 3 does', () => {
    const xml = `<configuration><property name="k1" value="v&amp;1" final="true"/><property name='k2' value='two'></property></configuration>`;
    expect(props(xml)).toEqual([
      ['k1', 'v&1', true],
      ['k2', 'two', false],
    ]);
  });

  it('keeps document order, so a later duplicate is seen last', () => {
    expect(
      props(
        '<configuration><property><name>x</name><value>1</value></property><property><name>x</name><value>2</value></property></configuration>',
      ),
    ).toEqual([
      ['x', '1', false],
      ['x', '2', false],
    ]);
  });

  it('warns about a property without a name and ignores it', () => {
    const parsed = parseConfigurationSource({
      xml: '<configuration>\n<property><value>1</value></property></configuration>',
      name: 'n.xml',
    });
    expect(parsed.properties).toEqual([]);
    expect(parsed.warnings).toEqual(['n.xml:2: <property> without a <name> ignored']);
  });

  describe('xi:include', () => {
    const XI = 'xmlns:xi="http://www.w3.org/2001/XInclude"';

    it('includes a file relative to the including file, recursively', () => {
      const dir = dirs.make({
        'core-site.xml': `<configuration ${XI}><property><name>before</name><value>1</value></property><xi:include href="sub/extra.xml"/><property><name>after</name><value>3</value></property></configuration>`,
      });
      const sub = join(dir, 'sub');
      mkdirSync(sub);
      writeFileSync(
        join(sub, 'extra.xml'),
        `<configuration ${XI}><property><name>included</name><value>2</value></property><xi:include href="../leaf.xml"/></configuration>`,
      );
      writeFileSync(join(dir, 'leaf.xml'), '<configuration><property><name>leaf</name><value>4</value></property></configuration>');
      const parsed = parseConfigurationSource(join(dir, 'core-site.xml'));
      expect(parsed.properties.map((p) => [p.name, p.value, p.resource])).toEqual([
        ['before', '1', join(dir, 'core-site.xml')],
        ['included', '2', join(sub, 'extra.xml')],
        ['leaf', '4', join(dir, 'leaf.xml')],
        ['after', '3', join(dir, 'core-site.xml')],
      ]);
    });

    it('uses xi:fallback when the target is missing, and fails without one', () => {
      const dir = dirs.make({
        'with-fallback.xml': `<configuration ${XI}><xi:include href="missing.xml"><xi:fallback><property><name>fb</name><value>yes</value></property></xi:fallback></xi:include></configuration>`,
        'no-fallback.xml': `<configuration ${XI}>\n\n<xi:include href="missing.xml"/></configuration>`,
      });
      expect(parseConfigurationSource(join(dir, 'with-fallback.xml')).properties.map((p) => [p.name, p.value])).toEqual([['fb', 'yes']]);
      expect(() => parseConfigurationSource(join(dir, 'no-fallback.xml'))).toThrow(
        `${join(dir, 'no-fallback.xml')}:3: xi:include of "missing.xml" failed: ${join(dir, 'missing.xml')} does not exist and there is no <xi:fallback>`,
      );
    });

    it('stops an include cycle with a clear error', () => {
      const dir = dirs.make({ 'loop.xml': `<configuration ${XI}><xi:include href="loop.xml"/></configuration>` });
      expect(() => parseConfigurationSource(join(dir, 'loop.xml'))).toThrow(/include cycle/);
    });

    it('ignores include elements outside the XInclude namespace and rejects undeclared prefixes', () => {
      expect(props('<configuration xmlns:x="urn:other"><x:include href="nope.xml"/></configuration>')).toEqual([]);
      expect(syntaxError('<configuration>\n<xi:include href="a.xml"/></configuration>').message).toBe(
        'bad-site.xml:2: malformed XML: namespace prefix "xi" of <xi:include> is not declared (add xmlns:xi="...")',
      );
    });
  });

  describe('malformed documents name the file and line', () => {
    const cases: [string, string, number, RegExp][] = [
      [
        'mismatched end tag',
        '<configuration>\n<property>\n<name>a</name>\n</propety>\n</configuration>',
        4,
        /<\/propety> does not match <property> opened on line 2/,
      ],
      ['unclosed root', '<configuration>\n<property><name>a</name></property>\n', 3, /<configuration> opened on line 1 is never closed/],
      [
        'unknown entity',
        '<configuration>\n<property>\n<name>a</name><value>x &nbsp; y</value></property></configuration>',
        3,
        /unknown entity &nbsp;/,
      ],
      [
        'bare ampersand',
        '<configuration><property><name>a</name>\n<value>a & b</value></property></configuration>',
        2,
        /"&" not part of an entity reference/,
      ],
      ['unquoted attribute', '<configuration>\n\n<property name=a/></configuration>', 3, /must be quoted/],
      ['duplicate attribute', '<configuration><property name="a"\n name="b"/></configuration>', 2, /duplicate attribute "name"/],
      ['two roots', '<configuration/>\n<configuration/>', 2, /only one root element/],
      ['text after root', '<configuration/>\noops', 2, /text outside the root element/],
      ['empty file', '  \n', 2, /no root element/],
      ['unterminated comment', '<configuration>\n<!-- never ends\n</configuration>', 2, /unterminated comment/],
      ['double dash in comment', '<configuration>\n\n<!-- a -- b --></configuration>', 3, /"--" inside a comment/],
      ['late XML declaration', '<configuration>\n<?xml version="1.0"?></configuration>', 2, /XML declaration must be at the very start/],
      [
        'illegal character reference',
        '<configuration><property><name>a</name><value>&#0;</value></property></configuration>',
        1,
        /not a legal XML character/,
      ],
      ['wrong root element', '<?xml version="1.0"?>\n<conf><property/></conf>', 2, /root element is <conf>/],
    ];
    for (const [what, xml, line, message] of cases) {
      it(what, () => {
        const err = syntaxError(xml);
        expect(err.resource).toBe('bad-site.xml');
        expect(err.line).toBe(line);
        expect(err.message).toMatch(new RegExp(`^bad-site\\.xml:${line}: `));
        expect(err.message).toMatch(message);
      });
    }
  });

  it('names an unreadable file', () => {
    const dir = dirs.make();
    expect(() => parseConfigurationSource(join(dir, 'absent.xml'))).toThrow(
      `cannot read Hadoop configuration file ${join(dir, 'absent.xml')}: no such file`,
    );
  });
});
