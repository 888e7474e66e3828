import type { Knex } from 'knex';
import { MetricKeySetCache } from '../ingest/metric-key-set-cache';
import { int4ArrayBinary } from './binary-array';

/**
 * `metric_key_sets`: each distinct key-id array of a ping, stored once (every ping of one GitLab
 * version has the same ~3 000 ids). A ping's `ping_metric_values` row refers to its set by id. Each
 * replica remembers the sets it has seen (`MetricKeySetCache`), so the usual ping costs no round
 * trip; a new array costs one (ensure_metric_key_set(), which adds it if no replica has yet).
 */
export class MetricKeySetsRepository {
  private readonly cache: MetricKeySetCache;

  constructor(
    private readonly db: Knex,
    options: { maxCachedKeyIds: number },
  ) {
    this.cache = new MetricKeySetCache(options);
  }

  /** The `metric_key_sets` id of a ping's key ids (ascending, as stored); adds the set if it is new. */
  async keySetIdOf(keyIds: readonly number[]): Promise<number> {
    const cached = this.cache.idOf(keyIds);
    if (cached !== undefined) return cached;
    const result = await this.db.raw<{ rows: Array<{ id: number }> }>(
      'SELECT ensure_metric_key_set(?::integer[]) AS id',
      [int4ArrayBinary(keyIds)],
    );
    const { id } = result.rows[0]!;
    this.cache.remember(keyIds, id);
    return id;
  }
}
