import { CounterConfigError } from '../errors';
import type { DatabaseQuery } from '../definitions/types';
import type { DatabaseWindow } from '../planning/database-window';
import type { PartialResult } from './partial-result';
import { partialFromRows } from './batch-rows';
import { filterConditions, fromWhereSql, tablesInScope } from './from-where-sql';
import {
  batchAggregates,
  batchesOverPrimaryKey,
  selectOver,
  usesDistinctBits,
  type BatchStatement,
  type HllHashing,
} from './query-sql';
import type { ResultRow } from './result-row';
import { quoteColumn } from './sql-identifiers';
import { SqlParams } from './sql-params';

/** The CTE holding a pass batch's rows: one flag and one value (and group key) per member. */
const ROWS = 'pass_rows';

/** One member of a shared table pass: its query and, for an estimate, how it hashes. */
export interface PassMember {
  query: DatabaseQuery;
  hashing?: HllHashing;
}

/**
 * The one batch statement of a shared table pass (issue #13): every member metric of one table,
 * joins and window computed from the same fenced batch rows, read once. `$1`/`$2` are the batch's
 * inclusive bounds on the primary key (bind with `bindBatch`). The rows are gathered once in a CTE
 * with each member's conditions as a flag (`f<i>`) and its counted column (`v<i>`, group key
 * `g<i>`); each member's own batch SELECT (`selectOver`: counts, sums, distinct bit words, HLL
 * registers, groups) then runs over the flagged rows, so a member's value is exactly the one its
 * own statement gives. One result row: `rows_read` (batch rows after joins and window) and
 * `m<i>`, a JSON array of the member's result rows with every value as text (no JSON number
 * rounds a sum past 2⁵³). Read it with `passPartials`. Throws CounterConfigError when the members
 * do not share the table, joins and primary-key batching, or as `buildBatchStatement` does.
 */
export function buildPassStatement(
  members: readonly PassMember[],
  window: DatabaseWindow | null,
): BatchStatement {
  const first = members[0]?.query;
  if (!first) throw new CounterConfigError('a table pass needs at least one metric');
  const params = new SqlParams('bind', 3);
  const scope = tablesInScope(first);
  const gathered = members.flatMap(({ query }, i) => {
    assertSharesPass(first, query);
    const conditions = filterConditions(query, scope, params);
    const columns = [
      `${conditions.length === 0 ? 'true' : conditions.join(' AND ')} AS f${i}`,
      `${quoteColumn(query.column)} AS v${i}`,
    ];
    return query.groupBy ? [...columns, `${quoteColumn(query.groupBy)} AS g${i}`] : columns;
  });
  const rowsSource = { ...first, filters: [], whereSql: undefined };
  const from = fromWhereSql(rowsSource, window, params, [], { table: first.table, column: first.primaryKey });
  const results = members.map((member, i) => `  ${memberJson(member, i, params)} AS m${i}`);
  const text = [
    `WITH ${ROWS} AS (`,
    `SELECT ${gathered.join(',\n  ')}`,
    from,
    ')',
    `SELECT COUNT(*) AS rows_read,`,
    results.join(',\n'),
    `FROM ${ROWS}`,
  ].join('\n');
  return { text, params: params.values };
}

/**
 * The members' partials from the one row of a `buildPassStatement` batch, in member order, and
 * the rows the batch read. Throws a ServpingError when a member's rows do not have its shape.
 */
export function passPartials(
  members: readonly PassMember[],
  row: ResultRow | undefined,
): { partials: PartialResult[]; rowsRead: number } {
  const partials = members.map(({ query, hashing }, i) => {
    const rows = (row?.[`m${i}`] ?? []) as ResultRow[];
    return partialFromRows(query, rows, hashing?.mode);
  });
  return { partials, rowsRead: Number(row?.rows_read ?? 0) };
}

/**
 * Member `i`'s result over its flagged rows, as a JSON array of text-valued rows. A plain count,
 * sum or average is one `FILTER` aggregate of the outer scan of the rows; a member that returns
 * rows of its own (groups, distinct bit words, HLL registers) is its own batch SELECT over them.
 * With plain members only, the CTE is read once, so PostgreSQL inlines it: one scan of the batch.
 */
function memberJson({ query, hashing }: PassMember, i: number, params: SqlParams): string {
  const plain =
    !query.groupBy && ['count', 'sum', 'average'].includes(query.operation) && !usesDistinctBits(query);
  if (plain) {
    const fields = batchAggregates(query.operation, `${ROWS}.v${i}`, `${ROWS}.f${i}`)
      .map(([name, sql]) => `'${name}', (${sql})::text`)
      .join(', ');
    return `json_build_array(json_build_object(${fields}))`;
  }
  const own: DatabaseQuery = {
    ...query,
    column: { table: ROWS, column: `v${i}` },
    ...(query.groupBy ? { groupBy: { table: ROWS, column: `g${i}` } } : {}),
  };
  const fromWhere = (extra: readonly string[]) =>
    `FROM ${ROWS} WHERE ${[`${ROWS}.f${i}`, ...extra].join(' AND ')}`;
  const fields = resultColumns(query)
    .map((column) => `'${column}', member_rows.${column}::text`)
    .join(', ');
  return [
    `(SELECT COALESCE(json_agg(json_build_object(${fields})), '[]'::json) FROM (`,
    selectOver(own, fromWhere, params, hashing),
    ') AS member_rows)',
  ].join('\n');
}

/** The columns a member's batch SELECT returns (`buildBatchStatement`). */
function resultColumns(query: DatabaseQuery): string[] {
  const grouped = query.groupBy ? ['group_key'] : [];
  if (query.operation === 'estimate_distinct_count') return ['registers'];
  if (usesDistinctBits(query)) return [...grouped, 'word', 'bits'];
  if (query.operation === 'average') return ['sum', 'count'];
  return [...grouped, 'value'];
}

/** What one pass needs of every member: the same rows (table, joins) batched by primary key. */
function assertSharesPass(first: DatabaseQuery, query: DatabaseQuery): void {
  const sameRows =
    query.table === first.table &&
    query.primaryKey === first.primaryKey &&
    JSON.stringify(query.joins) === JSON.stringify(first.joins);
  if (!sameRows || !batchesOverPrimaryKey(query) || query.operation === 'histogram') {
    throw new CounterConfigError(
      `a metric over ${query.table} cannot share the pass over ${first.table}: different rows or batch column`,
    );
  }
}
