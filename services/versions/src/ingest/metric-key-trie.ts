import type { NumericLeaves } from './numeric-leaves';
import { toPingMetricValues, type LeavesById, type PingMetricValues } from './ping-metric-values';

/**
 * The metric key paths a replica has seen, as a trie of object keys, each node holding its
 * `metric_keys` id once known. A ping's leaves (`NumericLeaves`) are resolved against the trie, so a known key costs one map
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
   * The numeric leaves of a ping by key id, as stored (`toPingMetricValues`), or the dotted paths of
   * the leaves whose id is not known yet: resolve them and call again with `resolvedIds`, which the
   * trie then keeps.
   */
  leaves(
    leaves: NumericLeaves,
    resolvedIds?: ReadonlyMap<string, number>,
  ): { known: PingMetricValues } | { unknownPaths: string[] } {
    const { objectParents, objectKeys, leafObjects, leafKeys, leafValues } = leaves;
    // Each object's trie node and depth; a parent always comes before its children.
    const objectNodes: TrieNode[] = [];
    const objectDepths: number[] = [];
    for (let i = 0; i < objectParents.length; i++) {
      const parent = objectParents[i]!;
      objectNodes.push(parent < 0 ? this.root : this.child(objectNodes[parent]!, objectKeys[i]!));
      objectDepths.push(parent < 0 ? 0 : objectDepths[parent]! + 1);
    }
    const found: FoundLeaves = { ids: [], values: [], depths: [], unknownPaths: [] };
    for (let j = 0; j < leafKeys.length; j++) {
      const object = leafObjects[j]!;
      const leaf = this.child(objectNodes[object]!, leafKeys[j]!);
      leaf.id ??= resolvedIds?.get(leaf.path);
      if (leaf.id === undefined) found.unknownPaths.push(leaf.path);
      else {
        found.ids.push(leaf.id);
        found.values.push(leafValues[j]!);
        found.depths.push(objectDepths[object]! + 1);
      }
    }
    if (found.unknownPaths.length > 0) return { unknownPaths: found.unknownPaths };
    return { known: toPingMetricValues(found) };
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
