import { toPingMetricValues, type LeavesById, type PingMetricValues } from './ping-metric-values';

/**
 * The metric key paths a replica has seen, as a trie of object keys, each node holding its
 * `metric_keys` id once known. A ping is walked against the trie, so a known key costs one map
 * probe with the key string JSON.parse produced (its hash is already computed) and no dotted path
 * is built or hashed: building and looking up 3 000 path strings was ~2 ms of CPU a ping (issue 16).
 */
export class MetricKeyTrie {
  private root = newNode('');
  private nodes = 0;

  /** Nodes held; the caller bounds it (senders choose key paths). */
  get size(): number {
    return this.nodes;
  }

  clear(): void {
    this.root = newNode('');
    this.nodes = 0;
  }

  /**
   * The numeric leaves of `doc` by key id, as stored (`toPingMetricValues`), or the dotted paths of the leaves whose id is not known yet: resolve
   * them and walk again with `resolvedIds`, which the trie then keeps. Every number reachable
   * through objects is a leaf; arrays are not walked (GitLab's arrays hold lists of facts, not
   * metrics), as in `jsonb_numeric_leaves()`. Depth is bounded by the ingest guards (32 levels), so
   * the recursion is too.
   */
  leaves(
    doc: unknown,
    resolvedIds?: ReadonlyMap<string, number>,
  ): { known: PingMetricValues } | { unknownPaths: string[] } {
    const found: FoundLeaves = { ids: [], values: [], depths: [], unknownPaths: [] };
    if (isObject(doc)) this.walk(doc, this.root, 1, found, resolvedIds);
    if (found.unknownPaths.length > 0) return { unknownPaths: found.unknownPaths };
    return { known: toPingMetricValues(found) };
  }

  private walk(
    obj: Record<string, unknown>,
    node: TrieNode,
    depth: number,
    found: FoundLeaves,
    resolvedIds: ReadonlyMap<string, number> | undefined,
  ): void {
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      if (typeof value === 'number') {
        const leaf = this.child(node, key);
        leaf.id ??= resolvedIds?.get(leaf.path);
        if (leaf.id === undefined) found.unknownPaths.push(leaf.path);
        else {
          found.ids.push(leaf.id);
          found.values.push(value);
          found.depths.push(depth);
        }
      } else if (isObject(value)) {
        this.walk(value, this.child(node, key), depth + 1, found, resolvedIds);
      }
    }
  }

  private child(node: TrieNode, key: string): TrieNode {
    let child = node.children.get(key);
    if (child === undefined) {
      child = newNode(node === this.root ? key : `${node.path}.${key}`);
      node.children.set(key, child);
      this.nodes += 1;
    }
    return child;
  }
}

interface TrieNode {
  children: Map<string, TrieNode>;
  /** The dotted key path of this node (`counts.issues`). */
  path: string;
  id: number | undefined;
}

interface FoundLeaves extends LeavesById {
  unknownPaths: string[];
}

function newNode(path: string): TrieNode {
  return { children: new Map(), path, id: undefined };
}

function isObject(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}
