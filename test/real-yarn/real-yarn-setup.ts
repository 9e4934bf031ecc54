// Says once, before any suite, whether the real-YARN suite runs and against what.
import { realClusterMissing } from './real-yarn-kit.js';

export default async function setup(): Promise<void> {
  const missing = await realClusterMissing();
  process.stdout.write(
    missing ? `${missing}\n` : `real-YARN suite: against the cluster of HADOOP_CONF_DIR=${process.env.HADOOP_CONF_DIR}\n`,
  );
}
