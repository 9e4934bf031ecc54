// Every import runs downward through the layers of test/architecture/layers.ts, and the codec does
// no I/O. A new folder must be given its place in the table before its modules pass.
import { describe, expect, it } from 'vitest';
import { importEdges, layerViolations, repoRoot } from './import-graph.js';
import { LAYERS } from './layers.js';

const SOURCES = ['cli', 'client', 'appmaster', 'taskexecutor', 'minicluster', 'bench'];

describe('import direction', () => {
  it('every import of the sources follows the layer table', () => {
    const edges = importEdges(repoRoot, SOURCES);
    expect(edges.length).toBeGreaterThan(1000);
    expect(layerViolations(edges, LAYERS)).toEqual([]);
  });

  it('names an import that runs upward, one into a folder outside the table, and I/O in the codec', () => {
    const violations = layerViolations(
      [
        { from: 'client/hadoop/yarn/yarn-client.ts', to: 'client/deploy/submit/cluster-deployer.ts', relative: true },
        { from: 'client/wire/codec/protobuf-codec.ts', to: 'net', relative: false },
        { from: 'client/wire/codec/protobuf-codec.ts', to: 'protobufjs', relative: false },
        { from: 'appmaster/main.ts', to: 'client/hadoop/yarn/yarn-client.ts', relative: true },
        { from: 'scratch/x.ts', to: 'client/errors/loom-error.ts', relative: true },
      ],
      LAYERS,
    );
    expect(violations).toEqual([
      expect.stringMatching(
        /^client\/hadoop\/yarn\/yarn-client\.ts imports client\/deploy\/submit\/cluster-deployer\.ts: client\/hadoop may import only /,
      ),
      'client/wire/codec/protobuf-codec.ts imports net: client/wire/codec does no I/O',
      'scratch/x.ts: in no layer; add its folder to test/architecture/layers.ts',
    ]);
  });
});
