// Rewrites conf/loom.yaml from the option table (npm run build first):
//   node scripts/write-loom-yaml-template.js
import { writeFileSync } from 'node:fs';
import { loomYamlTemplate } from '../dist/client/conf/loom-yaml-template.js';

writeFileSync(new URL('../conf/loom.yaml', import.meta.url), loomYamlTemplate());
