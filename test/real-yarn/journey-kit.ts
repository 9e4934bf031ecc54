// What the real-YARN journeys share: the word-count input on the cluster's HDFS, the counts the
// test computes itself, and reading the results a run left on HDFS.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileNotFoundError } from '../../client/hadoop/hdfs/webhdfs-errors.js';
import { afterAll, beforeAll } from 'vitest';
import { countWords, ROOT, startRealYarnKit, type RealYarnKit } from './real-yarn-kit.js';

const INPUT = join(ROOT, 'examples', 'word-count', 'input.txt');

export interface WordCountInput {
  input: string;
  expected: Record<string, number>;
}

/** Puts the example's input under the suite's HDFS dir; returns its path and the expected counts. */
export async function uploadWordCountInput(kit: RealYarnKit): Promise<WordCountInput> {
  const text = await readFile(INPUT);
  const input = `${kit.home}/input.txt`;
  await kit.fs.create(input, text, { overwrite: true });
  return { input, expected: countWords(text.toString('utf8')) };
}

/** A fresh output dir for one run (removed if an earlier run left it). */
export async function freshOutput(kit: RealYarnKit, name: string): Promise<string> {
  const dir = `${kit.home}/out-${name}`;
  await kit.fs.delete(dir, { recursive: true, ignoreMissing: true });
  return dir;
}

export async function readHdfsText(kit: RealYarnKit, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of await kit.fs.open(path)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** main()'s counts.json (attached runs and application mode write it). */
export async function countsJson(kit: RealYarnKit, output: string): Promise<Record<string, number>> {
  return JSON.parse(await readHdfsText(kit, `${output}/counts.json`)) as Record<string, number>;
}

/** The tasks' part files added up (what a detached per-job run leaves). */
export async function countsFromParts(kit: RealYarnKit, output: string): Promise<Record<string, number>> {
  const total: Record<string, number> = {};
  let parts: string[];
  try {
    parts = (await kit.fs.listStatus(output)).map((s) => s.pathSuffix).filter((n) => /^part-\d+\.json$/.test(n));
  } catch (err) {
    if (err instanceof FileNotFoundError) return {};
    throw err;
  }
  for (const p of parts) {
    for (const [w, n] of Object.entries(JSON.parse(await readHdfsText(kit, `${output}/${p}`)) as Record<string, number>))
      total[w] = (total[w] ?? 0) + n;
  }
  return total;
}

/** One run's outcome line for the suite's summary. */
export function runLine(what: string, run: number, startedAt: number, appId: string, state: string): string {
  return `${what} run ${run}: ${appId} ${state} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
}

/** What a journey file's tests share: the kit, the input, and the summary printed at the end. */
export interface Journeys {
  kit: RealYarnKit;
  wc: WordCountInput;
  summary: string[];
}

/** Registers the file's hooks: a kit and the input before the tests, the summary and the kit's stop after. */
export function useJourneys(prepare?: (j: Journeys) => Promise<void>): Journeys {
  const j = { summary: [] as string[] } as Journeys;
  beforeAll(async () => {
    j.kit = await startRealYarnKit();
    j.wc = await uploadWordCountInput(j.kit);
    await prepare?.(j);
  });
  afterAll(async () => {
    console.log(j.summary.join('\n'));
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined when beforeAll failed before assigning it
    await j.kit?.stop();
  });
  return j;
}
