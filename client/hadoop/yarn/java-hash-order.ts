// The NodeManager writes a container's environment in the iteration order of java.util.HashMap
// (ContainerLaunch orders it through HashMaps of String keys). To produce byte-identical
// launch scripts we reproduce that order: bucket = spread(String.hashCode) & (capacity - 1),
// buckets ascending, insertion order inside a bucket (resizes keep the relative order). `yarn logs`
// prints a container's log files in the order of a java.util.HashSet of their names (LogsCLI), so
// `loom logs` needs the same order.

/** java.lang.String#hashCode over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Table size of a default-constructed HashMap after `size` insertions (load factor 0.75). */
export function javaHashMapCapacity(size: number): number {
  let capacity = 16;
  while (size > capacity * 0.75) capacity *= 2;
  return capacity;
}

/** Keys in the order a java.util.HashMap (or HashSet) filled with them in this order iterates them. */
export function javaHashMapOrder(keysInInsertionOrder: readonly string[]): string[] {
  const unique = [...new Set(keysInInsertionOrder)];
  const mask = javaHashMapCapacity(unique.length) - 1;
  const buckets = new Map<number, string[]>();
  for (const key of unique) {
    const h = javaStringHashCode(key);
    const index = (h ^ (h >>> 16)) & mask;
    const bucket = buckets.get(index);
    if (bucket) bucket.push(key);
    else buckets.set(index, [key]);
  }
  return [...buckets.entries()].sort(([a], [b]) => a - b).flatMap(([, keys]) => keys);
}
