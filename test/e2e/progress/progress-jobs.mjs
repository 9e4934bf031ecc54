// Tasks for the progress e2e test: each says it is half way, then waits for the marker file the
// test writes (at most 60 s), and says it is done.
import { existsSync } from 'node:fs';

export async function halfWay(task) {
  const [marker] = task.args;
  task.progress(0.5, `half way through part-${task.index}`);
  const until = Date.now() + 60_000;
  while (!existsSync(marker) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  task.progress(1, 'done');
  return task.index;
}
