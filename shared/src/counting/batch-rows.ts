import { ServpingError } from '../errors';
import type { DatabaseQuery } from '../definitions/types';
import type { MetricValue } from '../payload/metric-result';
import { applyRegisterText, emptyRegisters } from '../hll/registers';
import { applyGitlabRows, type GitlabBucketRow } from '../hll/gitlab-compat';
import type { HllMode } from '../hll/register-sql';
import type { PartialResult } from './partial-result';
import { bitsFromRows, type DistinctBits } from './distinct-bits';
import { exactFromSql, exactToValue, type ExactNumber } from './exact-number';
import { usesDistinctBits } from './query-sql';
import type { ResultRow } from './result-row';
import { sqlValueText } from './sql-value-text';

/**
 * The partial of one batch from the rows of `buildBatchStatement(query, …)`. An empty grouped
 * batch gives `{}`; a sum over no rows is 0. Throws a ServpingError when a row does not have the
 * shape the statement selects (a bug, not data).
 */
export function partialFromRows(
  query: DatabaseQuery,
  rows: readonly ResultRow[],
  hllMode?: HllMode,
): PartialResult {
  switch (query.operation) {
    case 'estimate_distinct_count':
      return hllMode === 'gitlab'
        ? { kind: 'gitlab_sketch', buckets: applyGitlabRows({}, rows as unknown as GitlabBucketRow[]) }
        : {
            kind: 'sketch',
            registers: applyRegisterText(emptyRegisters(), textOf(rows[0]?.registers)),
          };
    case 'average': {
      const row = rows[0];
      return {
        kind: 'average',
        sum: exactFromSql(row?.sum ?? 0, 'sum'),
        count: numberOf(row?.count ?? 0, 'count'),
      };
    }
    case 'histogram':
      return { kind: 'histogram', buckets: keyed(rows, 'bucket', numberOf) };
    case 'distinct_count':
      if (!usesDistinctBits(query)) break;
      if (!query.groupBy) return { kind: 'distinct_bits', bits: bitsFromRows(rows) };
      return { kind: 'grouped_distinct_bits', groups: bitsByGroup(rows) };
    default:
      break;
  }
  if (query.groupBy) return { kind: 'grouped', values: keyed(rows, 'group_key', exactFromSql) };
  return { kind: 'number', value: exactFromSql(rows[0]?.value ?? 0, 'value') };
}

/** Rows `(group_key, word, bits)` as one set per group; a NULL key becomes "" as in `keyed`. */
function bitsByGroup(rows: readonly ResultRow[]): Map<string, DistinctBits> {
  const rowsByGroup = new Map<string, ResultRow[]>();
  for (const row of rows) {
    const key = row.group_key === null || row.group_key === undefined ? '' : sqlValueText(row.group_key);
    const list = rowsByGroup.get(key);
    if (list) list.push(row);
    else rowsByGroup.set(key, [row]);
  }
  return new Map([...rowsByGroup].map(([key, list]) => [key, bitsFromRows(list)]));
}

/** The exact value from the rows of `renderUnbatchedQuery(query, …)`. */
export function readUnbatchedValue(query: DatabaseQuery, rows: readonly ResultRow[]): MetricValue {
  if (query.operation === 'histogram') return keyed(rows, 'bucket', numberOf);
  const exactValue = (raw: unknown, column: string) => exactToValue(exactFromSql(raw, column));
  if (query.groupBy) return keyed(rows, 'group_key', exactValue);
  return exactValue(rows[0]?.value ?? 0, 'value');
}

/**
 * Rows `(key, value)` as an object with string keys. A NULL group key becomes "" — the key
 * Ruby's JSON gives a nil hash key in GitLab's payload.
 */
function keyed<T extends ExactNumber | string>(
  rows: readonly ResultRow[],
  keyColumn: string,
  read: (raw: unknown, column: string) => T,
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const row of rows) {
    const key = row[keyColumn];
    out[key === null || key === undefined ? '' : sqlValueText(key)] = read(row.value, 'value');
  }
  return out;
}

function textOf(raw: unknown): string | null {
  if (raw === null || raw === undefined || typeof raw === 'string') return raw ?? null;
  throw new ServpingError(
    'SERVPING_AGGREGATION',
    `batch row column registers is not text: ${sqlValueText(raw)}`,
  );
}

function numberOf(raw: unknown, column: string): number {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value)) {
    throw new ServpingError(
      'SERVPING_AGGREGATION',
      `batch row column ${column} is not a number: ${String(raw)}`,
    );
  }
  return value;
}
