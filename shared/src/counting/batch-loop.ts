import { CounterConfigError, QueryTimeoutError } from '../errors';
import type { DatabaseOperation, DatabaseQuery } from '../definitions/types';
import type { HllMode } from '../hll/register-sql';
import { mergePartials, type PartialResult } from './partial-result';
import { usesDistinctBits } from './query-sql';

/** The limits GitLab's counters enforce (`batch_counter.rb`, `postgres_hll/batch_distinct_counter.rb`); tests may lower them as GitLab's specs stub them. */
export interface BatchLimits {
  /** count, distinct_count, histogram: a batch size at or below this is refused (`MIN_REQUIRED_BATCH_SIZE`). */
  minCountBatchSize: number;
  /** sum and average: a batch size below this is refused (`DEFAULT_SUM_BATCH_SIZE`). */
  minSumBatchSize: number;
  /** estimate_distinct_count: a batch size at or below this is refused (HLL `MIN_REQUIRED_BATCH_SIZE`). */
  minEstimateBatchSize: number;
  /** Ranges needing this many batches or more are refused (`MAX_ALLOWED_LOOPS`). */
  maxAllowedLoops: number;
  /** estimate_distinct_count: primary-key spans at or above this are refused (`MAX_DATA_VOLUME`). */
  maxEstimateDataVolume: number;
}

/** GitLab's values: `batch_counter.rb`, `batch_average_counter.rb`, `postgres_hll/batch_distinct_counter.rb`. */
export const GITLAB_BATCH_LIMITS: Readonly<BatchLimits> = Object.freeze({
  minCountBatchSize: 1_250,
  minSumBatchSize: 1_000,
  minEstimateBatchSize: 750,
  maxAllowedLoops: 10_000,
  maxEstimateDataVolume: 4_000_000_000,
});

/**
 * GitLab's default batch size per operation. Histogram, which GitLab runs unbatched, batches over
 * the grouped column like a distinct count and takes its default.
 */
export const DEFAULT_BATCH_SIZES: Readonly<Record<DatabaseOperation, number>> = Object.freeze({
  count: 100_000,
  distinct_count: 10_000,
  sum: 1_000,
  average: 1_000,
  histogram: 10_000,
  estimate_distinct_count: 10_000,
});

/**
 * servping's starting batch sizes: GitLab's, except estimates. A p=14 batch returns up to one row
 * per non-empty register (≤ 16 384), so a 10 000-row batch returns ~7 500 rows and decoding them
 * costs as much as hashing; at 100 000 rows the result is small next to the rows scanned.
 * Adaptive sizing grows every operation from here.
 */
export const SERVPING_BATCH_SIZES: Readonly<Record<DatabaseOperation, number>> = Object.freeze({
  ...DEFAULT_BATCH_SIZES,
  estimate_distinct_count: 100_000,
});

/**
 * Time-targeted batch sizing (servping mode). After a batch that took under half the target the
 * size grows by the largest power of two (2 to 16) that keeps a proportional estimate of the next
 * batch within the target; after one that took longer than the target it halves (not below the
 * operation's minimum). Statements so stay near the target whatever the table's density or the
 * load, and a quick table needs few batches to reach its largest size: the fixed cost of a
 * statement makes a small batch look slow per row, so the estimate errs on the short side.
 * Boundaries stay half-open and contiguous, so results are as exact as with a fixed size.
 */
export interface AdaptiveBatching {
  /** The statement time aimed at, in ms. */
  targetMs: number;
  /** A monotonic clock in ms, injected (shared code reads no clock of its own). */
  now: () => number;
  /** Largest batch as a multiple of the plan's starting size (default 64). */
  maxGrowth?: number;
}

/** Default of `AdaptiveBatching.maxGrowth`: bounds a batch that grows into a denser stretch of ids. */
export const DEFAULT_MAX_BATCH_GROWTH = 64;

/** Largest growth after one batch, so one freak quick batch cannot jump straight to the cap. */
const MAX_GROWTH_STEP = 16;

/** What to count: half-open `[start, finish)` of the batch column, walked in steps of `batchSize`. */
export interface BatchPlan {
  operation: DatabaseOperation;
  /** Batch column values are integers of any size (bigint ids reach 2⁶³ − 1), so bounds are bigints. */
  start: bigint;
  /** Exclusive. A caller holding GitLab's inclusive `finish` passes finish + 1. */
  finish: bigint;
  batchSize: number;
}

/**
 * What one batch yields: its partial, and optionally the smallest batch-column value at or after
 * the batch's end (`null` when there is none). With it the loop starts the next batch there, so
 * an empty stretch of the key costs no statement at all.
 */
export interface BatchOutcome {
  partial: PartialResult;
  nextKey?: bigint | null;
}

/** Runs one batch `[start, end)`; throws QueryTimeoutError on a statement timeout. */
export type RunBatch = (start: bigint, end: bigint) => Promise<PartialResult | BatchOutcome>;

/**
 * A row budget per batch for a batch column whose values are unique (a primary key): such a range
 * holds at most `end − start` rows, so only a batch wider than `rows` can hold more, and only then
 * is `endAfter` asked for the value `rows` rows past `start` (an index probe). Batches so grow as
 * wide as a sparse key needs while no batch reads more than `rows` rows.
 */
export interface RowBudget {
  rows: number;
  /** The value `rows` rows past `start` below `finish` (an exclusive end), or null when fewer remain. */
  endAfter: (start: bigint, rows: number, finish: bigint) => Promise<bigint | null>;
}

/** Tuning of the batch loop; every field is optional. */
export interface BatchLoopOptions {
  /**
   * Pause after each batch except the last, in ms. Default 0: GitLab's 10 ms exists to spare the
   * single shared primary a Rails instance counts on; servping counts through a read-only pool
   * whose every statement is already bounded by statement_timeout, and its concurrency is bounded
   * by worker concurrency, so an extra pause only lengthens runs. Set it for a busy primary.
   */
  sleepMs?: number;
  /** How to pause (injected so tests need no timers). Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** The metric deadline: checked before every batch; a timeout after abort is never retried. */
  signal?: AbortSignal;
  /**
   * `gitlab` (default): GitLab's refusals (`limits`): positive bounds, minimum batch sizes,
   * `MAX_ALLOWED_LOOPS`, the HLL data volume limit. `servping`: none of them — statements are
   * bounded by time (adaptive sizing, statement_timeout) and the metric by its deadline, so any
   * range the database can count is counted.
   */
  guards?: 'gitlab' | 'servping';
  limits?: Partial<BatchLimits>;
  /** Absent: GitLab's fixed batch size (changed only by the halving on a timeout). */
  adaptive?: AdaptiveBatching;
  /** servping with a unique batch column: lifts the width cap of adaptive sizing (`RowBudget`). */
  rowBudget?: RowBudget;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a walk over a range produced: the merged partial and how the batches went. */
export interface BatchWalk {
  partial: PartialResult;
  /** Batch statements run, timed-out ones included (row-budget probes not). */
  statements: number;
  /**
   * Set when adaptive sizing stopped shrinking because halving a batch did not shorten its
   * statement (`AdaptiveBatching`): the batch size the walk kept from then on.
   */
  batchSizeKept?: number;
}

/**
 * GitLab's batch counter loop (`BatchCounter#count`, `BatchAverageCounter`, HLL
 * `BatchDistinctCounter#execute`) over `[plan.start, plan.finish)` — a whole table or one shard.
 * Each batch is `[s, min(s + size, finish))`; partials merge with `mergePartials`. On a
 * QueryTimeoutError the batch size is halved (integer) and the same start retried while
 * size ≥ the halving floor, else the timeout is rethrown with the batch named. A batch that
 * reports its `nextKey` moves the next start past the empty stretch after it.
 * With GitLab's guards, throws CounterConfigError for every configuration GitLab answers with −1
 * (negative bounds, too small a batch, too many loops; judged on the starting size); both modes
 * refuse start ≥ finish and a batch size that is not a positive integer.
 */
export async function countInBatches(
  plan: BatchPlan,
  runBatch: RunBatch,
  options: BatchLoopOptions = {},
): Promise<PartialResult> {
  return (await walkBatches(plan, runBatch, options)).partial;
}

/** `countInBatches`, reporting the statements it ran and any batch size it kept (`BatchWalk`). */
export async function walkBatches(
  plan: BatchPlan,
  runBatch: RunBatch,
  options: BatchLoopOptions = {},
): Promise<BatchWalk> {
  const limits = { ...GITLAB_BATCH_LIMITS, ...options.limits };
  const gitlab = (options.guards ?? 'gitlab') === 'gitlab';
  const halvingFloor = gitlab ? assertGitlabPlan(plan, limits) : (assertPlan(plan), 1);
  const { sleepMs = 0, sleep = defaultSleep, signal, adaptive } = options;
  const budget = gitlab ? undefined : options.rowBudget;
  const sizer = adaptive ? adaptiveSizer(plan, gitlab ? limits : undefined, adaptive, budget) : undefined;
  let batchSize = plan.batchSize;
  let batchStart = plan.start;
  // Batches ending at or before this value need no budget probe (a probe showed it).
  let withinBudgetUntil = plan.start;
  let total: PartialResult | undefined;
  let statements = 0;
  while (batchStart < plan.finish) {
    let batchEnd = minBig(batchStart + BigInt(batchSize), plan.finish);
    if (signal?.aborted) {
      throw new QueryTimeoutError(`metric deadline reached before batch [${batchStart}, ${batchEnd})`);
    }
    // The size this batch really has: its width, or the row budget when the budget cut it short.
    let effectiveSize = batchSize;
    try {
      if (budget && batchSize > budget.rows && batchEnd > withinBudgetUntil) {
        const budgetEnd = await budget.endAfter(batchStart, budget.rows, plan.finish);
        // [batchStart, budgetEnd) holds the budget's rows, so does any range inside it.
        withinBudgetUntil = budgetEnd ?? plan.finish;
        if (budgetEnd !== null && budgetEnd < batchEnd) {
          batchEnd = budgetEnd;
          effectiveSize = budget.rows;
        }
      }
      const startedMs = sizer?.now();
      statements += 1;
      const outcome = await runBatch(batchStart, batchEnd);
      const { partial, nextKey } = 'partial' in outcome ? outcome : { partial: outcome, nextKey: undefined };
      total = total ? mergePartials(total, partial) : partial;
      batchStart =
        nextKey === undefined ? batchEnd : nextKey === null ? plan.finish : maxBig(batchEnd, nextKey);
      if (sizer && startedMs !== undefined) {
        const next = sizer.next(effectiveSize, sizer.now() - startedMs);
        // A budget-cut batch that was not too slow keeps its width: the budget goes on cutting.
        batchSize = effectiveSize < batchSize && next >= effectiveSize ? batchSize : next;
      }
    } catch (error) {
      if (!(error instanceof QueryTimeoutError)) throw error;
      // A unique key's batch holds at most its width in rows, and at most the budget's rows.
      const rowsAtMost = budget ? Math.min(effectiveSize, budget.rows) : effectiveSize;
      if (signal?.aborted || rowsAtMost < halvingFloor || rowsAtMost < 2) {
        throw new QueryTimeoutError(
          `${plan.operation} batch [${batchStart}, ${batchEnd}) timed out at batch size ${batchSize}: ${error.message}`,
        );
      }
      batchSize = Math.floor(rowsAtMost / 2);
      sizer?.timedOut(batchSize);
    }
    if (sleepMs > 0 && batchStart < plan.finish) await sleep(sleepMs);
  }
  const kept = sizer?.kept();
  // assertPlan guarantees start < finish, so at least one batch ran.
  return { partial: total!, statements, ...(kept === undefined ? {} : { batchSizeKept: kept }) };
}

const minBig = (a: bigint, b: bigint) => (a < b ? a : b);
const maxBig = (a: bigint, b: bigint) => (a > b ? a : b);

/**
 * A halved batch that still takes more than this share of the time of the batch it was halved
 * from did not get cheaper with fewer rows: its cost is the plan's, not the batch's (issue #13).
 */
const FUTILE_SHRINK_RATIO = 0.75;

interface AdaptiveSizer {
  now: () => number;
  /** The next batch size after a batch of `size` rows took `tookMs`. */
  next: (size: number, tookMs: number) => number;
  /**
   * After a timeout, which halved the batch to `size` by itself: drops the memory of the last
   * batch and lowers a kept size to `size`, since the kept size just timed out.
   */
  timedOut: (size: number) => void;
  /** The size kept once shrinking stopped, if it did. */
  kept: () => number | undefined;
}

/**
 * The clock and the next batch size after a batch of `size` took `tookMs`; see AdaptiveBatching.
 * Shrink-stop: when a batch halved after a slow one is still slow and took more than
 * `FUTILE_SHRINK_RATIO` of its time, halving does not buy shorter statements, only more of them
 * (a plan whose cost does not follow the batch's rows). The sizer then goes back to the size
 * before that halving and never shrinks below it again; growth after quick batches goes on, and a
 * statement timeout still halves. GitLab's fixed sizes never shrink but on a timeout, so this
 * only changes how far servping's time-targeted sizing may fall.
 */
function adaptiveSizer(
  plan: BatchPlan,
  limits: BatchLimits | undefined,
  { targetMs, now, maxGrowth = DEFAULT_MAX_BATCH_GROWTH }: AdaptiveBatching,
  budget: RowBudget | undefined,
): AdaptiveSizer {
  // Never beyond the whole range: a larger size would change nothing but the number logged. With
  // a row budget a batch may be as wide as the range (the budget bounds its rows instead); past
  // 2⁵³ a size is a float, but still an integer (a power-of-two multiple), so BigInt takes it.
  const grown = budget ? Infinity : plan.batchSize * maxGrowth;
  const ceiling = Math.max(plan.batchSize, Math.min(grown, Number(plan.finish - plan.start)));
  // Shrinking stops at the smallest size GitLab accepts (a timeout may already have gone lower).
  const floor = limits ? smallestAccepted(plan.operation, limits) : 1;
  let last: { size: number; tookMs: number; slow: boolean } | undefined;
  let kept: number | undefined;
  const nextSize = (size: number, tookMs: number): number => {
    if (tookMs <= targetMs) {
      return tookMs < targetMs / 2 ? Math.min(ceiling, size * growthStep(targetMs, tookMs)) : size;
    }
    if (kept === undefined && last?.slow && size < last.size && tookMs > FUTILE_SHRINK_RATIO * last.tookMs) {
      kept = last.size;
    }
    const halved = Math.max(Math.min(floor, size), Math.floor(size / 2));
    return kept === undefined ? halved : Math.max(kept, halved);
  };
  return {
    now,
    next: (size, tookMs) => {
      const next = nextSize(size, tookMs);
      last = { size, tookMs, slow: tookMs > targetMs };
      return next;
    },
    timedOut: (size) => {
      last = undefined;
      if (kept !== undefined) kept = Math.min(kept, size);
    },
    kept: () => kept,
  };
}

/** The largest power of two ≤ target / took, within [2, MAX_GROWTH_STEP] (took < target / 2 here). */
function growthStep(targetMs: number, tookMs: number): number {
  let step = 2;
  while (step < MAX_GROWTH_STEP && tookMs * step * 2 <= targetMs) step *= 2;
  return step;
}

function smallestAccepted(operation: DatabaseOperation, limits: BatchLimits): number {
  switch (operation) {
    case 'estimate_distinct_count':
      return limits.minEstimateBatchSize + 1;
    case 'sum':
    case 'average':
      return Math.max(1, limits.minSumBatchSize);
    default:
      return limits.minCountBatchSize + 1;
  }
}

function refuser(plan: BatchPlan): (why: string) => never {
  return (why) => {
    throw new CounterConfigError(
      `${plan.operation} refused [${plan.start}, ${plan.finish}) with batch size ${plan.batchSize}: ${why}`,
    );
  };
}

/** What both modes refuse: an empty range and a batch size that is not a positive integer. */
function assertPlan(plan: BatchPlan): void {
  const refuse = refuser(plan);
  if (plan.start >= plan.finish) refuse('start must be below finish');
  if (!Number.isSafeInteger(plan.batchSize) || plan.batchSize < 1)
    refuse('batch size must be a positive integer');
}

/** Validates the plan as GitLab does and returns the smallest batch size that may still be halved. */
function assertGitlabPlan(plan: BatchPlan, limits: BatchLimits): number {
  const { operation, start, finish, batchSize } = plan;
  const refuse = refuser(plan);
  if (start < 0n || finish < 0n) refuse('batch counting expects positive values only');
  assertPlan(plan);
  switch (operation) {
    case 'estimate_distinct_count':
      if (batchSize <= limits.minEstimateBatchSize)
        refuse(`batch size must be above ${limits.minEstimateBatchSize}`);
      // GitLab compares its inclusive finish: finish − start ≥ MAX_DATA_VOLUME.
      if (finish - 1n - start >= BigInt(limits.maxEstimateDataVolume))
        refuse('range exceeds the HLL data volume limit');
      // GitLab's HLL counter gives up on the first timeout; servping halves like the exact
      // counters, since a shorter batch is all a timed-out HLL batch needs too.
      return 2 * limits.minEstimateBatchSize;
    case 'sum':
    case 'average':
      if (batchSize < limits.minSumBatchSize) refuse(`batch size must be at least ${limits.minSumBatchSize}`);
      break;
    default:
      if (batchSize <= limits.minCountBatchSize)
        refuse(`batch size must be above ${limits.minCountBatchSize}`);
  }
  // GitLab's BatchAverageCounter declares MAX_ALLOWED_LOOPS without checking it; servping applies
  // it to every exact counter so no metric can loop ten thousand times unnoticed.
  if ((finish - start) / BigInt(batchSize) >= BigInt(limits.maxAllowedLoops)) {
    refuse(`needs ${limits.maxAllowedLoops} or more batches`);
  }
  // Halve while the halved batch stays at or above the minimum (GitLab: size ≥ 2 × minimum).
  return operation === 'average' ? 2 * limits.minSumBatchSize : 2 * limits.minCountBatchSize;
}

/**
 * GitLab's default batch size in GitLab's HLL mode, servping's otherwise (larger estimate
 * batches); a bitmap distinct count starts as a count does.
 */
export function startingBatchSize(query: DatabaseQuery, hllMode: HllMode = 'servping'): number {
  const sizes = hllMode === 'gitlab' ? DEFAULT_BATCH_SIZES : SERVPING_BATCH_SIZES;
  return sizes[usesDistinctBits(query) ? 'count' : query.operation];
}
