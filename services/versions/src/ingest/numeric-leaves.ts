/**
 * The numbers of a parsed document that are reachable through objects alone, flattened in document
 * order: what Versions stores as a ping's metric values. Arrays are not entered (GitLab's arrays
 * hold lists of facts, not metrics), as in `jsonb_numeric_leaves()`.
 *
 * The ingest guard walk (`inspectJsonDocument`) fills it as it goes, so the metric key trie resolves
 * the leaves without walking the document again: on a 3 000-key ping each walk lists every object's
 * keys (sorting the big ones, which V8 keeps as dictionaries) and reads every value by key.
 */
export class NumericLeaves {
  /** Object `i`'s parent object (-1 for the document itself); a parent comes before its children. */
  readonly objectParents: number[] = [];
  /** Object `i`'s key in its parent ('' for the document itself). */
  readonly objectKeys: string[] = [];
  /** The object holding leaf `j`, its key there and its value. */
  readonly leafObjects: number[] = [];
  readonly leafKeys: string[] = [];
  readonly leafValues: number[] = [];

  /** Adds the object found under `key` of object `parent` (-1 and '' for the document); returns its index. */
  addObject(parent: number, key: string): number {
    this.objectParents.push(parent);
    this.objectKeys.push(key);
    return this.objectParents.length - 1;
  }

  addLeaf(object: number, key: string, value: number): void {
    this.leafObjects.push(object);
    this.leafKeys.push(key);
    this.leafValues.push(value);
  }
}
