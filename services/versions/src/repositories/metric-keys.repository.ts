import type { Knex } from 'knex';
import type { NumericLeaves } from '../ingest/numeric-leaves';
import { MetricKeyTrie } from '../ingest/metric-key-trie';
import type { PingMetricValues } from '../ingest/ping-metric-values';

/**
 * `metric_keys`: the id of every metric key path ever received. Key ids never change once assigned,
 * so each replica keeps the ones it has seen in a trie: a GitLab ping brings the ~3 000 keys of the
 * pings before it, and its ids cost no round trip. Only unknown paths go to the database
 * (ensure_metric_keys, then one lookup). Senders choose key paths, so the trie is bounded: past
 * `maxCachedKeys` nodes it starts over rather than grow.
 */
export class MetricKeysRepository {
  private readonly trie = new MetricKeyTrie();

  constructor(
    private readonly db: Knex,
    private readonly options: { maxCachedKeys: number },
  ) {}

  /** A ping's numeric leaves by `metric_keys` id, as stored; adds the key paths not known yet. */
  async pingMetricValuesOf(leaves: NumericLeaves): Promise<PingMetricValues> {
    const first = this.trie.leaves(leaves);
    if ('known' in first) return first.known;
    const found = await this.lookUp(first.unknownPaths);
    if (this.trie.size > this.options.maxCachedKeys) this.trie.clear();
    const second = this.trie.leaves(leaves, found);
    if ('known' in second) return second.known;
    throw new Error(`metric_keys has no id for ${second.unknownPaths[0]}`);
  }

  private async lookUp(keyPaths: string[]): Promise<Map<string, number>> {
    await this.db.raw('SELECT ensure_metric_keys(?::text[])', [keyPaths]);
    const result = await this.db.raw<{ rows: Array<{ id: number; key_path: string }> }>(
      'SELECT id, key_path FROM metric_keys WHERE key_path = ANY (?::text[])',
      [keyPaths],
    );
    return new Map(result.rows.map((row) => [row.key_path, row.id]));
  }
}
