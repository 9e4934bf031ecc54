// The one form an attached client prints a program in, whether main() ran in the client or in the AM.
import { describe, expect, it } from 'vitest';
import { printProgramLine, printProgramResult } from '../../../client/program/program-printing.js';

function streams() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } }, out, err };
}

describe('program printing', () => {
  it('ctx.log and stderr lines go to stderr, stdout lines to stdout, each as written', () => {
    const { io, out, err } = streams();
    printProgramLine(io, 'log', 'a log');
    printProgramLine(io, 'stdout', 'an out');
    printProgramLine(io, 'stderr', 'an err');
    expect(out).toEqual(['an out\n']);
    expect(err).toEqual(['a log\n', 'an err\n']);
  });

  it("main()'s value as indented JSON on stdout; nothing for undefined", () => {
    const { io, out, err } = streams();
    printProgramResult(io, undefined);
    printProgramResult(io, { a: [1] });
    printProgramResult(io, null);
    expect(out).toEqual(['{\n  "a": [\n    1\n  ]\n}\n', 'null\n']);
    expect(err).toEqual([]);
  });
});
