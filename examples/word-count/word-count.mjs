// A Loom job: word count over a text file on HDFS.
//
//   loom run -c countWords -p 4 examples/word-count/word-count.mjs /user/me/input.txt
//
// Every parallel task reads the file through `task.hdfs` (a WebHDFS client acting as the
// submitting user), counts the words of the lines that fall to it (line number modulo the
// parallelism) and returns its counts; `mergeCounts` adds the tasks' results up on the client.

export async function countWords(task) {
  const [path] = task.args;
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
  return { task: task.index, lines: mine, counts };
}

/** Adds up the tasks' counts; the most frequent words first. */
export function mergeCounts(results) {
  const total = new Map();
  for (const r of results) for (const [w, n] of Object.entries(r.counts)) total.set(w, (total.get(w) ?? 0) + n);
  return [...total].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
