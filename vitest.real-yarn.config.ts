import { defineConfig } from 'vitest/config';

// npm run test:real-yarn: the journeys against the real Hadoop cluster HADOOP_CONF_DIR names
// (test/real-yarn/). One file at a time: they share the cluster, whose AM limit lets one Loom
// AM run at a time on a small node.
export default defineConfig({
  test: {
    include: ['test/real-yarn/**/*.real-yarn.ts'],
    globalSetup: ['test/real-yarn/real-yarn-setup.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
