/**
 * What to do about an ApplicationMaster that failed for a reason Loom recognises in YARN's
 * diagnostics (the NodeManager puts the tail of the AM's stderr and its kill message there).
 */

/** Hints, one per recognised cause, each a sentence that names the fix; none for an unknown failure. */
export function amFailureHints(diagnostics: string): string[] {
  const hints: string[] = [];
  // ld.so on an old distribution: "./loom-node: /lib64/libc.so.6: version `GLIBC_2.28' not found (required by ./loom-node)"
  const glibc = newestGlibc(diagnostics);
  if (glibc) {
    hints.push(
      `the nodes' C library is older than the Node.js binary needs (${glibc} not found: official Node.js 18+ builds need glibc 2.28, ` +
        'CentOS/RHEL 7 has 2.17). Ship a binary built for the old glibc with -Dloom.node.binary=<path> (loom upload-runtime --node <path> ' +
        'for provided lib dirs), e.g. an unofficial-builds linux-x64-glibc-217 Node.js, or run a node installed on the nodes with -Dloom.node.path=<path>',
    );
  }
  if (diagnostics.includes("beyond the 'VIRTUAL' memory limit")) {
    hints.push(
      'YARN killed a container for its virtual memory (yarn.nodemanager.vmem-check-enabled, limit yarn.nodemanager.vmem-pmem-ratio x its memory): ' +
        'a Node.js process reserves about 0.9 GiB, so give it at least 512m (-jm / jobmanager.memory.process.size for the AM, ' +
        '-tm / taskmanager.memory.process.size for TaskExecutors), or ask the cluster admin to raise the ratio or turn the check off',
    );
  }
  return hints;
}

/** The highest `GLIBC_x.y` the diagnostics name: the version the nodes would need. */
function newestGlibc(text: string): string | undefined {
  const versions = [...text.matchAll(/\bGLIBC_(\d+)\.(\d+)(?:\.(\d+))?/g)].map((m) => ({
    name: m[0],
    key: [Number(m[1]), Number(m[2]), Number(m.at(3) ?? 0)],
  }));
  versions.sort((a, b) => b.key[0] - a.key[0] || b.key[1] - a.key[1] || b.key[2] - a.key[2]);
  return versions[0]?.name;
}
