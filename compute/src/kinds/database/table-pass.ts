import {
  bindBatch,
  buildBatchStatement,
  buildPassStatement,
  CounterConfigError,
  databaseWindow,
  errorText,
  isTransientDatabaseError,
  mergePartials,
  passPartials,
  passRowsQuery,
  renderUnbatchedQuery,
  walkBatches,
  withNextKey,
  type BatchOutcome,
  type DatabaseQuery,
  type DatabaseWindow,
  type PartialResult,
  type PassMember,
  type ShardRange,
  type TimeFrame,
} from '@servping/shared';
import type { InstanceDbPort } from '../../ports/instance-db.port';
import { batchKey, databaseRange, hllHashing, rowBudget } from './database-metric';

export interface TablePassInput {
  /** The metrics of one pass (`passKey`), their strategies resolved. */
  members: readonly DatabaseQuery[];
  timeFrame: TimeFrame;
  /** The run's fixed clock; the 7d/28d window derives from it. */
  recordedAt: Date;
  db: InstanceDbPort;
  /** One shard's half-open range of the primary key; absent = the whole key range. */
  range?: ShardRange;
  /** The metric deadline of the pass: stops the loop and cancels the running statement. */
  signal?: AbortSignal;
  /** Statement time, in ms, batch sizes adapt to (see AdaptiveBatching); absent = fixed sizes. */
  targetStatementMs?: number;
}

/** A member's partial over the pass's range, or why it must be computed alone (its error). */
export type PassMemberOutcome = { partial: PartialResult } | { alone: string };

/** What one pass (or one shard of it) produced. */
export interface TablePassOutcome {
  /** In member order. */
  members: PassMemberOutcome[];
  /** Statements the pass ran: batches (retried and timed-out ones included) and split probes. */
  statements: number;
  /** Rows its batches read after joins and window. */
  rowsRead: number;
  /** `BatchWalk.batchSizeKept` of the pass's walk. */
  batchSizeKept?: number;
}

/** One batch's partials by member index, and the rows the batch read. */
interface PassPartial {
  partials: Map<number, PartialResult>;
  rowsRead: number;
}

/**
 * Computes every member of a shared table pass (issue #13) with one batch statement per batch
 * (`buildPassStatement`) over the primary key, sized as a single metric's walk is. Isolation: when
 * a pass statement fails (a bad `where_sql`, a runtime error, a timeout one expensive filter
 * causes), each member still in the pass runs its own statement over the same batch; those that
 * fail alone leave the pass with their error (`{ alone }`) and the rest retries the batch without
 * them, keeping what it counted. A failure no member causes alone is the pass's: it is thrown, as
 * a database fault or a deadline is, and the caller computes the members alone. Configuration
 * errors leave the pass before any statement. Values are the ones each member's own walk gives.
 */
export async function computeTablePass(input: TablePassInput): Promise<TablePassOutcome> {
  const { db, signal } = input;
  const window = databaseWindow(input.recordedAt, input.timeFrame);
  const alone = new Map<number, string>();
  const members = await Promise.all(
    input.members.map(async (query, index): Promise<PassMember | undefined> => {
      try {
        // Rendering validates identifiers, scope, filters and where_sql, as a single walk does.
        renderUnbatchedQuery(query, window);
      } catch (error) {
        if (!(error instanceof CounterConfigError)) throw error;
        alone.set(index, errorText(error));
        return undefined;
      }
      const hashing = await hllHashing(query, db, 'servping');
      return hashing ? { query, hashing } : { query };
    }),
  );
  let active = members.flatMap((member, index) => (member ? [{ index, member }] : []));
  const outcome = (partials: Map<number, PartialResult>, counts: Omit<TablePassOutcome, 'members'>) => ({
    members: input.members.map((_query, index): PassMemberOutcome => {
      const partial = partials.get(index);
      return partial && !alone.has(index) ? { partial } : { alone: alone.get(index) ?? 'left the pass' };
    }),
    ...counts,
  });
  const first = active[0]?.member.query;
  if (!first) return outcome(new Map(), { statements: 0, rowsRead: 0 });

  const keyQuery = passRowsQuery(active.map((a) => a.member.query));
  const range = input.range
    ? { start: BigInt(input.range.start), finish: BigInt(input.range.finish) }
    : await databaseRange(keyQuery, db, { window, signal });
  if (range === 'not_integer') {
    throw new CounterConfigError(`the primary key of ${first.table} holds non-integer values`);
  }
  let statement = withNextKey(
    first,
    buildPassStatement(
      active.map((a) => a.member),
      window,
    ),
  );
  let extraStatements = 0;

  const runPass = async (start: bigint, end: bigint): Promise<BatchOutcome<PassPartial>> => {
    for (;;) {
      try {
        const rows = await db.runBatch(statement.text, bindBatch(statement, start, end), signal);
        const row = rows.find((r) => r.in_batch !== null && r.in_batch !== undefined);
        const { partials, rowsRead } = passPartials(
          active.map((a) => a.member),
          row,
        );
        return {
          partial: { partials: new Map(active.map((a, k) => [a.index, partials[k]!])), rowsRead },
          nextKey: batchKey(rows[0]?.next_key ?? null),
        };
      } catch (error) {
        if (signal?.aborted || isTransientDatabaseError(error)) throw error;
        const failed = await failingAlone(active, { db, window, signal, start, end });
        extraStatements += active.length;
        if (failed.size === 0) throw error;
        for (const [index, reason] of failed) alone.set(index, reason);
        active = active.filter((a) => !failed.has(a.index));
        // Every member left: nothing more to count, the walk ends here.
        if (active.length === 0) return { partial: { partials: new Map(), rowsRead: 0 }, nextKey: null };
        statement = withNextKey(
          first,
          buildPassStatement(
            active.map((a) => a.member),
            window,
          ),
        );
        extraStatements += 1;
      }
    }
  };

  const { batchSize } = keyQuery;
  const walk = await walkBatches(
    { operation: 'count', start: range.start, finish: range.finish, batchSize },
    runPass,
    mergePassPartials,
    {
      signal,
      guards: 'servping',
      ...(input.targetStatementMs === undefined
        ? {}
        : { adaptive: { targetMs: input.targetStatementMs, now: () => performance.now() } }),
      rowBudget: rowBudget(keyQuery, db, batchSize, signal),
    },
  );
  return outcome(walk.partial.partials, {
    statements: walk.statements + extraStatements,
    rowsRead: walk.partial.rowsRead,
    ...(walk.batchSizeKept === undefined ? {} : { batchSizeKept: walk.batchSizeKept }),
  });
}

/** The members whose own batch statement fails over `[start, end)`, with their error named. */
async function failingAlone(
  active: readonly { index: number; member: PassMember }[],
  at: { db: InstanceDbPort; window: DatabaseWindow | null; signal?: AbortSignal; start: bigint; end: bigint },
): Promise<Map<number, string>> {
  const failed = new Map<number, string>();
  for (const { index, member } of active) {
    const own = buildBatchStatement(member.query, at.window, member.hashing);
    try {
      await at.db.runBatch(own.text, bindBatch(own, at.start, at.end), at.signal);
    } catch (error) {
      if (at.signal?.aborted || isTransientDatabaseError(error)) throw error;
      failed.set(index, errorText(error));
    }
  }
  return failed;
}

function mergePassPartials(a: PassPartial, b: PassPartial): PassPartial {
  const partials = new Map(a.partials);
  for (const [index, partial] of b.partials) {
    const mine = partials.get(index);
    partials.set(index, mine ? mergePartials(mine, partial) : partial);
  }
  return { partials, rowsRead: a.rowsRead + b.rowsRead };
}
