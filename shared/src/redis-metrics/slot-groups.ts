/**
 * What Redis Cluster hashes for `key`: the text between the first `{` and the next `}` when that
 * is not empty (a hash tag), else the whole key (Redis Cluster specification, "Hash tags").
 * Keys with equal hash text are in one slot.
 */
export function hashText(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/**
 * `items` grouped by the hash text of their key, groups in order of first appearance: on a Redis
 * Cluster each group is one slot, so one multi-key command (MGET, MULTI) can serve it. Keys with
 * different hash texts may still share a slot; grouping by text is merely finer than needed.
 */
export function groupByHashText<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const text = hashText(keyOf(item));
    const group = groups.get(text);
    if (group) group.push(item);
    else groups.set(text, [item]);
  }
  return groups;
}

/**
 * Splits the keys of one PFCOUNT for a Redis Cluster: `anchor` holds the keys of the largest
 * group sharing a hash text, `others` the rest, and `tag` is a hash tag (`{…}`) in the anchor's
 * slot for temporary copies of the others, so one PFCOUNT over anchor + copies counts the exact
 * union. Returns undefined when no group's hash text can be written as a tag (it holds a `}`).
 */
export function pfcountSlotPlan(
  keys: readonly string[],
): { anchor: string[]; others: string[]; tag: string } | undefined {
  const anchor = [...groupByHashText(keys, (key) => key).entries()]
    .filter(([text]) => !text.includes('}'))
    .sort((a, b) => b[1].length - a[1].length)[0];
  if (!anchor) return undefined;
  return {
    anchor: anchor[1],
    others: keys.filter((key) => hashText(key) !== anchor[0]),
    tag: `{${anchor[0]}}`,
  };
}
