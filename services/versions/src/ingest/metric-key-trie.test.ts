import { inspectJsonDocument } from './json-guards';
import { MetricKeyTrie } from './metric-key-trie';

/** The trie resolves what the ingest walk records. */
const leavesOf = (doc: unknown) => inspectJsonDocument(doc).leaves;

/** Ids for the paths of `doc` as a database would assign them: in order of first sight, from 1. */
function leavesWithIds(trie: MetricKeyTrie, doc: unknown, ids: Map<string, number>) {
  const first = trie.leaves(leavesOf(doc));
  if ('known' in first) return first.known;
  for (const path of first.unknownPaths) if (!ids.has(path)) ids.set(path, ids.size + 1);
  const second = trie.leaves(leavesOf(doc), ids);
  if (!('known' in second)) throw new Error('still unknown');
  return second.known;
}

describe('MetricKeyTrie', () => {
  it.each([
    ['a flat object', { a: 1, b: 'x', c: null, d: true }, ['a'], { a: 1 }],
    [
      'nested objects, dotted paths',
      { counts: { issues: 3, deep: { x: -1 } }, active_user_count: 10 },
      ['counts.issues', 'counts.deep.x', 'active_user_count'],
      { 'counts.issues': 3, 'counts.deep.x': -1, active_user_count: 10 },
    ],
    ['arrays are not walked', { list: [1, 2, { a: 3 }], n: 0 }, ['n'], { n: 0 }],
    [
      'objects inside arrays hold no metrics, however deep',
      { l: [{ a: { b: 1 } }], m: { n: 2, o: [{ p: 3 }] } },
      ['m.n'],
      { 'm.n': 2 },
    ],
    ['a shared path: the shallower leaf wins', { a: { b: 2 }, 'a.b': 1 }, ['a.b', 'a.b'], { 'a.b': 1 }],
    ['not an object', [1, 2], [], {}],
    ['a number alone', 5, [], {}],
  ])('%s', (_name, doc, unknownPaths, byPath) => {
    const trie = new MetricKeyTrie();
    const first = trie.leaves(leavesOf(doc));
    expect('unknownPaths' in first ? first.unknownPaths : []).toEqual(unknownPaths);
    const ids = new Map<string, number>();
    const stored = leavesWithIds(trie, doc, ids);
    const expected = Object.entries(byPath)
      .map(([path, value]) => ({ id: ids.get(path)!, value }))
      .sort((a, b) => a.id - b.id);
    expect(stored).toEqual({
      keyIds: expected.map((e) => e.id),
      values: expected.map((e) => e.value),
      failedKeyIds: expected.filter((e) => e.value < 0).map((e) => e.id),
    });
  });

  it('knows every key of a ping it has resolved once, and only asks for new ones', () => {
    const trie = new MetricKeyTrie();
    const ids = new Map<string, number>();
    leavesWithIds(trie, { counts: { issues: 1, notes: 2 } }, ids);
    expect(trie.leaves(leavesOf({ counts: { notes: 5, issues: 4 } }))).toEqual({
      known: { keyIds: [1, 2], values: [4, 5], failedKeyIds: [] },
    });
    expect(trie.leaves(leavesOf({ counts: { issues: 1, boards: 2 } }))).toEqual({
      unknownPaths: ['counts.boards'],
    });
  });

  it('starts over empty when cleared', () => {
    const trie = new MetricKeyTrie();
    leavesWithIds(trie, { counts: { issues: 1 } }, new Map());
    expect(trie.size).toBe(2);
    trie.clear();
    expect(trie.size).toBe(0);
    expect(trie.leaves(leavesOf({ counts: { issues: 1 } }))).toEqual({ unknownPaths: ['counts.issues'] });
  });
});
