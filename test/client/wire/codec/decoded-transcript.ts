import { readFileSync } from 'node:fs';

/**
 * Reader for the fixtures' `*.decoded.txt` transcripts: for every frame, the message types
 * Hadoop's own descriptors assigned and their "named" decode as a tree. Tests compare our
 * decoding against it, so field names, numbers and enum values are checked independently of
 * our .proto files.
 */
export interface NamedField {
  name: string;
  num: number;
  /** Printed scalar value (absent for nested messages). */
  value?: string;
  children?: NamedField[];
  /** A bytes field the decoder additionally parsed as this message type. */
  parsedAs?: { type: string; children: NamedField[] };
}

export interface TranscriptMessage {
  /** Fully qualified type, or '?' when the server did not know the method. */
  type: string;
  hex: string;
  named?: NamedField[];
  parseError?: string;
}

export interface TranscriptFrame {
  dir: 'c2s' | 's2c';
  offset: number;
  messages: TranscriptMessage[];
}

const FRAME = /^=== #\d+ \[(c2s|s2c)\] frame at stream offset (\d+)/;
const MESSAGE = /^ {2}-- message \d+\/\d+: (\S+) /;
const LEAF = /^(\w+) \((\d+)\): (.*)$/;
const OPEN = /^(\w+) \((\d+)\) \{$/;
const PARSED = /^\[identifier parsed as ([\w.]+)\] \{$/;

export function readTranscript(path: string): TranscriptFrame[] {
  const frames: TranscriptFrame[] = [];
  let msg: TranscriptMessage | undefined;
  let stack: NamedField[][] | undefined;
  let lastLeaf: NamedField | undefined;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    const f = FRAME.exec(raw);
    if (f) {
      frames.push({ dir: f[1] as 'c2s' | 's2c', offset: Number(f[2]), messages: [] });
      msg = undefined;
      stack = undefined;
      continue;
    }
    const m = MESSAGE.exec(raw);
    if (m) {
      msg = { type: m[1], hex: '' };
      frames[frames.length - 1].messages.push(msg);
      stack = undefined;
      continue;
    }
    if (!msg) continue;
    if (line.startsWith('hex:')) msg.hex = line.slice(4).trim();
    else if (line === 'named:') stack = [(msg.named = [])];
    else if (line === 'decode_raw:') stack = undefined;
    else if (stack) {
      const top = stack[stack.length - 1];
      let g: RegExpExecArray | null;
      if (line.startsWith('!! parse error')) msg.parseError = line;
      else if ((g = OPEN.exec(line))) {
        const node: NamedField = { name: g[1], num: Number(g[2]), children: [] };
        top.push(node);
        stack.push(node.children!);
      } else if ((g = PARSED.exec(line)) && lastLeaf) {
        lastLeaf.parsedAs = { type: g[1], children: [] };
        stack.push(lastLeaf.parsedAs.children);
      } else if ((g = LEAF.exec(line))) {
        lastLeaf = { name: g[1], num: Number(g[2]), value: g[3] };
        top.push(lastLeaf);
      } else if (line === '}') stack.pop();
    }
  }
  return frames;
}
