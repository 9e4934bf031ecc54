import { describe, expect, it } from 'vitest';
import { AskTable, type ContainerRequest } from '../../../../client/hadoop/yarn/amrm-ask-table.js';

type Obj = Record<string, any>;

const req = (extra: Partial<ContainerRequest> = {}): ContainerRequest => ({
  capability: { memoryMb: 128, vcores: 1 },
  priority: 1,
  ...extra,
});
const brief = (asks: Obj[]) =>
  asks.map((a) => `${a.priority.priority}/${a.resource_name}/${a.capability.memory}/${a.allocation_request_id}=${a.num_containers}`).sort();
const arrived = (extra: Partial<{ nodeId: string; memoryMb: number; priority: number; allocationRequestId: number }> = {}) => ({
  nodeId: extra.nodeId ?? 'node1:45454',
  resource: { memoryMb: extra.memoryMb ?? 1024, vcores: 1 },
  priority: extra.priority ?? 1,
  allocationRequestId: extra.allocationRequestId ?? 0,
  executionType: 'GUARANTEED' as const,
});

describe("AskTable (the AM's absolute ask table)", () => {
  it('holds absolute counts per location and sends only what changed since the last commit', () => {
    const t = new AskTable();
    t.add(req());
    t.add(req());
    t.add(req({ nodes: ['node1'], racks: ['/rack1'] }));
    let sent = t.takeChanged();
    expect(brief(sent.asks)).toEqual(['1/*/128/0=3', '1//rack1/128/0=1', '1/node1/128/0=1']);
    t.commit(sent.keys);
    expect(t.takeChanged().asks).toEqual([]);

    t.remove(req());
    sent = t.takeChanged();
    expect(brief(sent.asks)).toEqual(['1/*/128/0=2']);
    t.commit(sent.keys);

    // the wire form is what Hadoop's AMRMClient sends
    t.add(req({ priority: 2, allocationRequestId: 7 }));
    const [ask] = t.takeChanged().asks;
    expect(ask).toEqual({
      priority: { priority: 2 },
      resource_name: '*',
      capability: {
        memory: 128,
        virtual_cores: 1,
        resource_value_map: [
          { key: 'memory-mb', value: 128, units: 'Mi', type: 'COUNTABLE' },
          { key: 'vcores', value: 1, units: '', type: 'COUNTABLE' },
        ],
      },
      num_containers: 1,
      relax_locality: true,
      execution_type_request: { execution_type: 'GUARANTEED', enforce_execution_type: false },
      allocation_request_id: 7,
    });
  });

  it('lowers the matching request when a container arrives, by priority and allocation id rather than size, and reports surplus', () => {
    const t = new AskTable();
    const a = req({ allocationRequestId: 1 });
    const b = req({ allocationRequestId: 2, capability: { memoryMb: 2048, vcores: 2 } });
    t.add(a);
    t.add(b);
    t.commit(t.takeChanged().keys);
    // 128 MB was normalized to 1024 by the RM: still request a
    expect(t.matchAllocated(arrived({ allocationRequestId: 1 }))).toBe(a);
    expect(t.matchAllocated(arrived({ allocationRequestId: 2, memoryMb: 2048 }))).toBe(b);
    expect(t.matchAllocated(arrived({ allocationRequestId: 1 }))).toBeUndefined(); // surplus
    expect(brief(t.takeChanged().asks)).toEqual(['1/*/128/1=0', '1/*/2048/2=0']);
  });

  it("prefers a request naming the container's host, then any that fits", () => {
    const t = new AskTable();
    const anywhere = req();
    const onNode2 = req({ nodes: ['node2'] });
    t.add(anywhere);
    t.add(onNode2);
    expect(t.matchAllocated(arrived({ nodeId: 'node2:45454' }))).toBe(onNode2);
    expect(t.matchAllocated(arrived({ nodeId: 'node3:45454' }))).toBe(anywhere);
    expect(t.outstanding()).toEqual([]);
  });

  it('restores unsent changes after a failed allocate and resends everything after a resync', () => {
    const t = new AskTable();
    t.add(req());
    const failed = t.takeChanged();
    t.restore(failed.keys);
    const again = t.takeChanged();
    expect(brief(again.asks)).toEqual(['1/*/128/0=1']);
    t.commit(again.keys);
    t.add(req({ priority: 4 }));
    t.remove(req({ priority: 4 })); // zero, never needs resending after a restart
    t.markAllChanged();
    expect(brief(t.takeChanged().asks)).toEqual(['1/*/128/0=1']);
  });

  it('refuses requests that can never be satisfied', () => {
    const t = new AskTable();
    expect(() => t.add(req({ capability: { memoryMb: -1, vcores: 1 } }))).toThrow(/non-negative memoryMb and vcores/);
    expect(() => t.add(req({ relaxLocality: false }))).toThrow(/must name nodes or racks/);
    expect(t.remove(req())).toBe(false);
  });
});
