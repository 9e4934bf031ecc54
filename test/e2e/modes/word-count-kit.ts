// What the mode tests share: the word-count example, its input on HDFS, the count the test
// computes itself, and looks at what is left on HDFS and YARN.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileNotFoundError } from '../../../client/hadoop/hdfs/webhdfs-errors.js';
import { ROOT, type SessionKit } from '../session-kit.js';

export const WORD_COUNT = join(ROOT, 'examples', 'word-count', 'word-count.mjs');
const INPUT = join(ROOT, 'examples', 'word-count', 'input.txt');

/** Word -> count of the example's input, counted here (lower-case runs of letters with an inner apostrophe). */
export async function expectedCounts(): Promise<Record<string, number>> {
  const text = (await readFile(INPUT, 'utf8')).toLowerCase();
  const counts: Record<string, number> = {};
  for (const w of text.split(/[^a-z']+/).map((s) => s.replace(/^'+|'+$/g, ''))) if (w) counts[w] = (counts[w] ?? 0) + 1;
  return counts;
}

/** Puts the example's input on HDFS; returns its path and an output dir for the run. */
export async function uploadInput(kit: SessionKit, name: string): Promise<{ input: string; output: string }> {
  const dir = `/user/${kit.user}/${name}`;
  await kit.fs.mkdirs(dir);
  await kit.fs.create(`${dir}/input.txt`, await readFile(INPUT), { overwrite: true });
  return { input: `${dir}/input.txt`, output: `${dir}/out` };
}

export async function readHdfsText(kit: SessionKit, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of await kit.fs.open(path)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The tasks' part files added up (what a detached run leaves). */
export async function countsFromParts(kit: SessionKit, output: string): Promise<Record<string, number>> {
  const total: Record<string, number> = {};
  const parts = (await kit.fs.listStatus(output)).filter((s) => /^part-\d+\.json$/.test(s.pathSuffix));
  if (parts.length === 0) throw new Error(`no part files in ${output}`);
  for (const p of parts) {
    for (const [w, n] of Object.entries(JSON.parse(await readHdfsText(kit, `${output}/${p.pathSuffix}`)) as Record<string, number>))
      total[w] = (total[w] ?? 0) + n;
  }
  return total;
}

/** The entries of the user's staging root (`.loom`), or undefined when it does not exist. */
export async function stagingRootEntries(kit: SessionKit): Promise<string[] | undefined> {
  try {
    return (await kit.fs.listStatus(`/user/${kit.user}/.loom`)).map((s) => s.pathSuffix).sort();
  } catch (err) {
    if (err instanceof FileNotFoundError) return undefined;
    throw err;
  }
}

/** The mini cluster's file system as an hdfs:// URI authority (its NameNode speaks WebHDFS on that port). */
export function hdfsUri(kit: SessionKit, path: string): string {
  const defaultFs = kit.hadoopConf.getTrimmed('fs.defaultFS')!;
  return `${defaultFs.replace(/^webhdfs:/, 'hdfs:')}${path}`;
}

/** Application id in `Loom application <id> ...` */
export function loomApplicationId(text: string): string {
  const m = /Loom application (application_\d+_\d+)/.exec(text);
  if (!m) throw new Error(`no "Loom application <id>" line in:\n${text}`);
  return m[1];
}
