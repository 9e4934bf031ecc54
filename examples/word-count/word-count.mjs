// A Loom program: word count over a text file on HDFS. The same file runs in all three modes:
//
//   loom run word-count.mjs /user/me/input.txt [/user/me/wc-out]                          session: main() here, jobs to the session
//   loom run -t yarn-per-job word-count.mjs /user/me/input.txt /user/me/wc-out            per-job: a cluster for the job
//   loom run-application -t yarn-application word-count.mjs /user/me/input.txt /user/me/wc-out
//                                                                                         application: main() in the AM
//
// and its task export works as one job on a session too (the older form):
//
//   loom run -c countWords -p 4 word-count.mjs /user/me/input.txt
//
// main(ctx) submits one job of `countWords` tasks (parallelism from -p, else parallelism.default)
// and adds their counts up. With an output dir, each task also writes its counts there as
// part-<index>.json, and main() writes the total as counts.json, so the result can be read
// wherever main() ran (and also after a detached run, from the parts).

/** The program: count, merge, write counts.json when an output dir is given. */
export default async function main(ctx) {
  const [input, output] = ctx.args;
  if (!input) throw new Error('word-count needs the HDFS path of a text file: word-count.mjs <input> [<output dir>]');
  const job = await ctx.submit({ exportName: 'countWords', name: `word count of ${input}`, args: output ? [input, output] : [input] });
  ctx.log(`word count: job ${job.id} in ${job.applicationId}`);
  if (ctx.detached) return { job: job.id, applicationId: job.applicationId };
  const counts = mergeCounts(await job.result());
  const total = counts.reduce((n, [, c]) => n + c, 0);
  if (output) await ctx.hdfs.create(`${output}/counts.json`, Buffer.from(JSON.stringify(Object.fromEntries(counts))), { overwrite: true });
  ctx.log(
    `word count: ${total} words, ${counts.length} distinct; most frequent: ${counts
      .slice(0, 5)
      .map(([w, n]) => `${w} ${n}`)
      .join(', ')}`,
  );
  return { words: total, distinct: counts.length, top: counts.slice(0, 10) };
}

/** A task: the words of every parallelism-th line, starting at its index. */
export async function countWords(task) {
  const [path, output] = task.args;
  if (typeof path !== 'string') throw new Error('countWords needs the HDFS path of a text file as its first argument');
  const chunks = [];
  for await (const chunk of await task.hdfs.open(path)) chunks.push(chunk);
  const lines = Buffer.concat(chunks).toString('utf8').split('\n');
  const counts = {};
  let mine = 0;
  for (let i = task.index; i < lines.length; i += task.parallelism) {
    mine++;
    for (const word of lines[i].toLowerCase().match(/[a-z]+(?:'[a-z]+)?/g) ?? []) counts[word] = (counts[word] ?? 0) + 1;
  }
  if (typeof output === 'string')
    await task.hdfs.create(`${output}/part-${task.index}.json`, Buffer.from(JSON.stringify(counts)), { overwrite: true });
  return { task: task.index, lines: mine, counts };
}

/** Adds up the tasks' counts; the most frequent words first. */
export function mergeCounts(results) {
  const total = new Map();
  for (const r of results) for (const [w, n] of Object.entries(r.counts)) total.set(w, (total.get(w) ?? 0) + n);
  return [...total].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
