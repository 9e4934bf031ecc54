import type { HadoopToken } from '../../wire/security/token.js';

/**
 * The NMTokens an AM holds, keyed by node id (`host:port` as the RM names the node, e.g.
 * `localhost:45454`), which may differ from the token's service address (`127.0.0.1:45454`).
 * AMRMClient fills it from allocate and register responses; NMClient reads it. A newer token for a
 * node replaces the older one (the RM rolls its NM master key).
 */
export class NMTokenCache {
  private readonly tokens = new Map<string, HadoopToken>();

  setToken(nodeId: string, token: HadoopToken): void {
    this.tokens.set(nodeId, token);
  }

  getToken(nodeId: string): HadoopToken | undefined {
    return this.tokens.get(nodeId);
  }

  containsToken(nodeId: string): boolean {
    return this.tokens.has(nodeId);
  }

  removeToken(nodeId: string): void {
    this.tokens.delete(nodeId);
  }

  nodeIds(): string[] {
    return [...this.tokens.keys()];
  }

  get size(): number {
    return this.tokens.size;
  }

  clear(): void {
    this.tokens.clear();
  }
}
