import {
  countInBatches as countOverBigints,
  DEFAULT_BATCH_SIZES,
  GITLAB_BATCH_LIMITS,
  SERVPING_BATCH_SIZES,
  type BatchLoopOptions,
  type BatchOutcome,
  type BatchPlan as BigintPlan,
  runBatchOutcome,
  walkBatches,
} from './batch-loop';
import { mergePartials, type PartialResult } from './partial-result';
import { CounterConfigError, QueryTimeoutError } from '../errors';

// The loop's bounds are bigints; these tables read better in numbers (all far below 2⁵³).
type BatchPlan = Omit<BigintPlan, 'start' | 'finish'> & { start: number; finish: number };
type RunBatch = (start: number, end: number) => Promise<PartialResult | BatchOutcome>;
const countInBatches = (plan: BatchPlan, runBatch: RunBatch, options?: BatchLoopOptions) =>
  countOverBigints(
    { ...plan, start: BigInt(plan.start), finish: BigInt(plan.finish) },
    (s, e) => runBatch(Number(s), Number(e)),
    options,
  );

/** GitLab's spec data: issues 1..5, three by author A (id 1), two by B (id 2), weights on 2 and 4. */
const issues = [
  { id: 1, author: 'A', weight: null },
  { id: 2, author: 'A', weight: 3 },
  { id: 3, author: 'A', weight: null },
  { id: 4, author: 'B', weight: 4 },
  { id: 5, author: 'B', weight: null },
];
const inRange = (s: number, e: number) => issues.filter((i) => i.id >= s && i.id < e);

/** An in-memory runBatch that also records every range it was asked for. */
function recording(
  run: (s: number, e: number) => PartialResult | BatchOutcome | Promise<PartialResult | BatchOutcome>,
) {
  const calls: Array<[number, number]> = [];
  const runBatch: RunBatch = async (s, e) => {
    calls.push([s, e]);
    return run(s, e);
  };
  return { calls, runBatch };
}
const countIds = recording((s, e) => ({ kind: 'number', value: inRange(s, e).length }));
const noLimits = { minCountBatchSize: 0, minSumBatchSize: 0, minEstimateBatchSize: 0 };

describe('countInBatches', () => {
  it('walks half-open batches and adds them: the whole range [min, max+1) gives the count', async () => {
    const { calls, runBatch } = recording((s, e) => ({ kind: 'number', value: inRange(s, e).length }));
    const plan: BatchPlan = { operation: 'count', start: 1, finish: 6, batchSize: 2 };
    await expect(countInBatches(plan, runBatch, { limits: noLimits })).resolves.toEqual({
      kind: 'number',
      value: 5,
    });
    expect(calls).toEqual([
      [1, 3],
      [3, 5],
      [5, 6],
    ]);
  });

  it.each([1, 2, 4, 5, 6])(
    'gives the same count for batch size %i when the minimum is lowered',
    async (batchSize) => {
      const plan: BatchPlan = { operation: 'count', start: 1, finish: 6, batchSize };
      await expect(countInBatches(plan, countIds.runBatch, { limits: noLimits })).resolves.toEqual({
        kind: 'number',
        value: 5,
      });
    },
  );

  it('an exclusive finish of max (GitLab finish: max − 1) leaves the last row out', async () => {
    const plan: BatchPlan = { operation: 'count', start: 1, finish: 5, batchSize: 3 };
    await expect(countInBatches(plan, countIds.runBatch, { limits: noLimits })).resolves.toEqual({
      kind: 'number',
      value: 4,
    });
  });

  it.each([1, 2, 3, 4, 5, 6])('sums weights 3 + 4 = 7 with batch size %i', async (batchSize) => {
    const { runBatch } = recording((s, e) => ({
      kind: 'number',
      value: inRange(s, e).reduce((sum, i) => sum + (i.weight ?? 0), 0),
    }));
    const plan: BatchPlan = { operation: 'sum', start: 1, finish: 6, batchSize };
    await expect(countInBatches(plan, runBatch, { limits: noLimits })).resolves.toEqual({
      kind: 'number',
      value: 7,
    });
  });

  it('merges grouped batches key-wise: {A: 4, B: 2} after a sixth issue by A', async () => {
    const withSixth = [...issues, { id: 6, author: 'A', weight: null }];
    const { runBatch } = recording((s, e) => {
      const values: Record<string, number> = {};
      for (const i of withSixth.filter((x) => x.id >= s && x.id < e))
        values[i.author] = (values[i.author] ?? 0) + 1;
      return { kind: 'grouped', values };
    });
    const plan: BatchPlan = { operation: 'count', start: 1, finish: 7, batchSize: 2 };
    await expect(countInBatches(plan, runBatch, { limits: { minCountBatchSize: 1 } })).resolves.toEqual({
      kind: 'grouped',
      values: { A: 4, B: 2 },
    });
  });

  it('counts a timestamp column 1250.5 s apart with no gap between half-open batches', async () => {
    const seconds = [0, 1250.5, 1251];
    const { runBatch } = recording((s, e) => ({
      kind: 'number',
      value: seconds.filter((t) => t >= s && t < e).length,
    }));
    const plan: BatchPlan = { operation: 'count', start: 0, finish: 1252, batchSize: 1251 };
    await expect(countInBatches(plan, runBatch)).resolves.toEqual({ kind: 'number', value: 3 });
  });

  it('halves 22 000 to 11 000 on a timeout and retries the same start', async () => {
    let failed = false;
    const { calls, runBatch } = recording((s, e) => {
      if (!failed) {
        failed = true;
        throw new QueryTimeoutError('canceling statement due to statement timeout');
      }
      return { kind: 'number', value: e - s };
    });
    const plan: BatchPlan = { operation: 'count', start: 0, finish: 30_000, batchSize: 22_000 };
    await expect(countInBatches(plan, runBatch)).resolves.toEqual({ kind: 'number', value: 30_000 });
    expect(calls).toEqual([
      [0, 22_000],
      [0, 11_000],
      [11_000, 22_000],
      [22_000, 30_000],
    ]);
  });

  it('gives up once the halved size would fall below 2 × 1250 and names the batch', async () => {
    const { calls, runBatch } = recording(() => {
      throw new QueryTimeoutError('query timed out');
    });
    const plan: BatchPlan = { operation: 'count', start: 0, finish: 30_000, batchSize: 22_000 };
    await expect(countInBatches(plan, runBatch)).rejects.toThrow(
      'count batch [0, 1375) timed out at batch size 1375: query timed out',
    );
    expect(calls.map(([s, e]) => e - s)).toEqual([22_000, 11_000, 5_500, 2_750, 1_375]);
  });

  it.each([
    ['sum', 1_000, 1],
    ['average', 2_000, 2],
    ['average', 1_999, 1],
    ['estimate_distinct_count', 1_500, 2],
  ] as const)(
    '%s with batch size %i tries %i time(s) before giving up',
    async (operation, batchSize, tries) => {
      const { calls, runBatch } = recording(() => {
        throw new QueryTimeoutError('query timed out');
      });
      const plan: BatchPlan = { operation, start: 0, finish: 10_000, batchSize };
      await expect(countInBatches(plan, runBatch)).rejects.toThrow(QueryTimeoutError);
      expect(calls).toHaveLength(tries);
    },
  );

  it('lets any other error through untouched and unretried', async () => {
    const failure = new Error('relation "issues" does not exist');
    const { calls, runBatch } = recording(() => {
      throw failure;
    });
    const plan: BatchPlan = { operation: 'count', start: 0, finish: 30_000, batchSize: 22_000 };
    await expect(countInBatches(plan, runBatch)).rejects.toBe(failure);
    expect(calls).toHaveLength(1);
  });

  it('sleeps after every batch and retry but not after the last batch', async () => {
    let failed = false;
    const { runBatch } = recording((s, e) => {
      if (!failed) {
        failed = true;
        throw new QueryTimeoutError('query timed out');
      }
      return { kind: 'number', value: e - s };
    });
    const sleeps: number[] = [];
    const sleep = (ms: number) => {
      sleeps.push(ms);
      return Promise.resolve();
    };
    const plan: BatchPlan = { operation: 'count', start: 0, finish: 22_000, batchSize: 22_000 };
    await countInBatches(plan, runBatch, { sleepMs: 10, sleep });
    // timeout → sleep, [0, 11 000) → sleep, [11 000, 22 000) is last → no sleep.
    expect(sleeps).toEqual([10, 10]);
  });

  it('stops before the next batch once the metric deadline aborted, and never retries after it', async () => {
    const controller = new AbortController();
    const { calls, runBatch } = recording(() => {
      controller.abort();
      throw new QueryTimeoutError('canceling statement due to user request');
    });
    const plan: BatchPlan = { operation: 'count', start: 0, finish: 30_000, batchSize: 22_000 };
    await expect(countInBatches(plan, runBatch, { signal: controller.signal })).rejects.toThrow(
      QueryTimeoutError,
    );
    expect(calls).toHaveLength(1);
    await expect(countInBatches(plan, runBatch, { signal: controller.signal })).rejects.toThrow(
      'metric deadline reached before batch [0, 22000)',
    );
    expect(calls).toHaveLength(1);
  });

  const maxLoopsFinish = GITLAB_BATCH_LIMITS.maxAllowedLoops * 100_000 + 1;
  it.each<[string, BatchPlan, RegExp]>([
    ['batch size 1249', { operation: 'count', start: 1, finish: 6, batchSize: 1_249 }, /above 1250/],
    [
      'batch size 1250 (the check is <=)',
      { operation: 'count', start: 1, finish: 6, batchSize: 1_250 },
      /above 1250/,
    ],
    [
      'distinct batch size 1250',
      { operation: 'distinct_count', start: 1, finish: 6, batchSize: 1_250 },
      /above 1250/,
    ],
    ['sum batch size 999', { operation: 'sum', start: 1, finish: 6, batchSize: 999 }, /at least 1000/],
    [
      'average batch size 999',
      { operation: 'average', start: 1, finish: 6, batchSize: 999 },
      /at least 1000/,
    ],
    [
      'start 1 finish 0',
      { operation: 'count', start: 1, finish: 1, batchSize: 100_000 },
      /start must be below/,
    ],
    [
      'negative start',
      { operation: 'count', start: -5, finish: 6, batchSize: 100_000 },
      /positive values only/,
    ],
    [
      'MAX_ALLOWED_LOOPS × default batch + 1',
      { operation: 'count', start: 1, finish: maxLoopsFinish + 1, batchSize: 100_000 },
      /10000 or more batches/,
    ],
    [
      'HLL batch size 749',
      { operation: 'estimate_distinct_count', start: 1, finish: 6, batchSize: 749 },
      /above 750/,
    ],
    [
      'HLL finish 4 000 000 001',
      { operation: 'estimate_distinct_count', start: 1, finish: 4_000_000_002, batchSize: 10_000 },
      /data volume/,
    ],
    [
      'HLL start 1 finish 0',
      { operation: 'estimate_distinct_count', start: 1, finish: 1, batchSize: 10_000 },
      /start/,
    ],
  ])('refuses %s as an unwanted configuration', async (_name, plan, message) => {
    const { calls, runBatch } = recording(() => ({ kind: 'number', value: 1 }));
    const run = countInBatches(plan, runBatch);
    await expect(run).rejects.toThrow(CounterConfigError);
    await expect(run).rejects.toThrow(message);
    expect(calls).toHaveLength(0);
  });

  it('accepts the last range below MAX_ALLOWED_LOOPS', async () => {
    const { calls, runBatch } = recording(() => ({ kind: 'number', value: 0 }));
    const plan: BatchPlan = { operation: 'count', start: 1, finish: maxLoopsFinish - 1, batchSize: 100_000 };
    await expect(countInBatches(plan, runBatch)).resolves.toEqual({ kind: 'number', value: 0 });
    expect(calls).toHaveLength(10_000);
  });
});

/**
 * A fake clock whose time advances only inside runBatch, by `msFor(size)` — a table whose
 * statements cost a fixed time per row, or whatever a test scripts.
 */
function timedRun(msFor: (start: number, end: number, call: number) => number) {
  let clockMs = 0;
  const calls: Array<[number, number]> = [];
  const runBatch: RunBatch = (s, e) => {
    clockMs += msFor(s, e, calls.length);
    calls.push([s, e]);
    return Promise.resolve({ kind: 'number', value: e - s });
  };
  return { calls, runBatch, now: () => clockMs };
}
const sizes = (calls: Array<[number, number]>) => calls.map(([s, e]) => e - s);

describe('countInBatches with adaptive sizing', () => {
  it.each<[string, BatchPlan, (s: number, e: number, call: number) => number, number[]]>([
    [
      'doubles after a batch under half the target, keeps a size between half and whole (1 ms per 1 000 rows)',
      { operation: 'count', start: 0, finish: 1_500_000, batchSize: 100_000 },
      (s, e) => (e - s) / 1_000,
      // 100 ms < 125 → 200 000 (200 ms) stays: between half the target and the target.
      [100_000, 200_000, 200_000, 200_000, 200_000, 200_000, 200_000, 200_000],
    ],
    [
      'halves after a batch over the target and grows again once batches are quick',
      { operation: 'distinct_count', start: 0, finish: 200_000, batchSize: 40_000 },
      (_s, _e, call) => [400, 100, 10][call] ?? 10,
      // 400 ms: halve; 100 ms: ×2; 10 ms: ×16, cut to the rest of the range.
      [40_000, 20_000, 40_000, 100_000],
    ],
    [
      'stops shrinking at GitLab minimum + 1 (count: 1 251)',
      { operation: 'count', start: 0, finish: 10_000, batchSize: 5_000 },
      (s, e) => e - s,
      [5_000, 2_500, 1_251, 1_249],
    ],
    [
      'stops shrinking at the sum minimum of 1 000',
      { operation: 'sum', start: 0, finish: 5_000, batchSize: 2_000 },
      (s, e) => e - s,
      [2_000, 1_000, 1_000, 1_000],
    ],
    [
      'caps growth at 64 × the starting size',
      { operation: 'sum', start: 0, finish: 1_000_000, batchSize: 1_000 },
      () => 1,
      // ×16 per step (the largest), then 15 × 64 000, then the rest.
      [1_000, 16_000, ...Array<number>(15).fill(64_000), 23_000],
    ],
    [
      'caps growth at the range (a shard) and ends exactly at its finish',
      { operation: 'count', start: 300_000, finish: 1_000_000, batchSize: 100_000 },
      () => 1,
      [100_000, 600_000],
    ],
    [
      'grows by the largest power of two whose proportional estimate stays within the target',
      { operation: 'count', start: 0, finish: 10_000_000, batchSize: 100_000 },
      (_s, _e, call) => [30, 60, 200][call] ?? 200,
      // 30 ms: 250 / 30 = 8.3 → ×8; 60 ms: 4.2 → ×4; 200 ms: within the target, kept.
      [100_000, 800_000, 3_200_000, 3_200_000, 2_700_000],
    ],
  ])('%s', async (_name, plan, msFor, expected) => {
    const { calls, runBatch, now } = timedRun(msFor);
    const total = await countInBatches(plan, runBatch, { adaptive: { targetMs: 250, now } });
    expect(total).toEqual({ kind: 'number', value: plan.finish - plan.start });
    expect(sizes(calls)).toEqual(expected);
    // Contiguous half-open batches covering the range exactly once.
    expect(calls[0]?.[0]).toBe(plan.start);
    expect(calls.at(-1)?.[1]).toBe(plan.finish);
    calls.slice(1).forEach(([s], i) => expect(s).toBe(calls[i]?.[1]));
  });

  it.each<[string, (s: number, e: number, call: number) => number, number[], number | undefined]>([
    [
      'keeps the size when halving did not shorten the statement (600 ms whatever the size)',
      () => 600,
      // 600 ms: halve; 600 ms again at half the rows: back to 40 000 and no lower.
      [40_000, 20_000, 40_000, 40_000, 20_000],
      40_000,
    ],
    [
      'keeps halving while halving pays (time in proportion to the rows)',
      (s, e) => (e - s) / 20,
      // 2 000 ms, 1 000, 500, 250 (at the target, kept), …
      [40_000, 20_000, 10_000, ...Array<number>(18).fill(5_000)],
      undefined,
    ],
    [
      'keeps the size but still grows once batches turn quick',
      (_s, _e, call) => [600, 500, 10][call] ?? 10,
      // 600 ms, then 500 ms at half: kept at 40 000; 10 ms: ×16, cut to the range.
      [40_000, 20_000, 40_000, 60_000],
      40_000,
    ],
  ])('shrink-stop: %s', async (_name, msFor, expected, kept) => {
    const { calls, runBatch, now } = timedRun(msFor);
    const plan = { operation: 'count' as const, start: 0n, finish: 160_000n, batchSize: 40_000 };
    const walk = await walkBatches(
      plan,
      runBatchOutcome((s, e) => runBatch(Number(s), Number(e))),
      mergePartials,
      { guards: 'servping', adaptive: { targetMs: 250, now } },
    );
    expect(walk.partial).toEqual({ kind: 'number', value: 160_000 });
    expect(sizes(calls)).toEqual(expected);
    expect(walk.statements).toBe(expected.length);
    expect(walk.batchSizeKept).toBe(kept);
  });

  it('shrink-stop: a timeout at the kept size lowers it', async () => {
    let clockMs = 0;
    const calls: Array<[number, number]> = [];
    const runBatch: RunBatch = (s, e) => {
      calls.push([s, e]);
      if (calls.length === 4) {
        clockMs += 15_000;
        return Promise.reject(new QueryTimeoutError('canceling statement due to statement timeout'));
      }
      clockMs += 600;
      return Promise.resolve({ kind: 'number', value: e - s });
    };
    const plan: BatchPlan = { operation: 'count', start: 0, finish: 160_000, batchSize: 40_000 };
    const walk = await walkBatches(
      { ...plan, start: 0n, finish: 160_000n },
      runBatchOutcome((s, e) => runBatch(Number(s), Number(e))),
      mergePartials,
      { guards: 'servping', adaptive: { targetMs: 250, now: () => clockMs } },
    );
    expect(walk.partial).toEqual({ kind: 'number', value: 160_000 });
    // Kept at 40 000 after the second batch; the fourth times out, halved to 20 000, kept there.
    expect(sizes(calls)).toEqual([40_000, 20_000, 40_000, 40_000, 20_000, 20_000, 20_000]);
    expect(walk.batchSizeKept).toBe(20_000);
    expect(walk.statements).toBe(7);
  });

  it('honours a smaller maxGrowth', async () => {
    const { calls, runBatch, now } = timedRun(() => 1);
    const plan: BatchPlan = { operation: 'count', start: 0, finish: 1_000_000, batchSize: 100_000 };
    await countInBatches(plan, runBatch, { adaptive: { targetMs: 250, now, maxGrowth: 2 } });
    expect(sizes(calls)).toEqual([100_000, 200_000, 200_000, 200_000, 200_000, 100_000]);
  });

  it('still halves on a statement timeout and retries the same start, then grows from there', async () => {
    let clockMs = 0;
    const calls: Array<[number, number]> = [];
    const runBatch: RunBatch = (s, e) => {
      calls.push([s, e]);
      if (calls.length === 1) {
        clockMs += 15_000;
        return Promise.reject(new QueryTimeoutError('canceling statement due to statement timeout'));
      }
      clockMs += 10;
      return Promise.resolve({ kind: 'number', value: e - s });
    };
    const plan: BatchPlan = { operation: 'count', start: 0, finish: 100_000, batchSize: 40_000 };
    await expect(
      countInBatches(plan, runBatch, { adaptive: { targetMs: 250, now: () => clockMs } }),
    ).resolves.toEqual({ kind: 'number', value: 100_000 });
    expect(calls).toEqual([
      [0, 40_000],
      [0, 20_000],
      [20_000, 100_000],
    ]);
  });

  it('without adaptive options keeps the fixed size however quick the batches are (GitLab mode)', async () => {
    const { calls, runBatch } = timedRun(() => 1);
    const plan: BatchPlan = { operation: 'distinct_count', start: 0, finish: 50_000, batchSize: 10_000 };
    await countInBatches(plan, runBatch);
    expect(sizes(calls)).toEqual([10_000, 10_000, 10_000, 10_000, 10_000]);
  });

  it('still refuses a starting size GitLab refuses, before any batch runs', async () => {
    const { calls, runBatch, now } = timedRun(() => 1);
    const plan: BatchPlan = { operation: 'count', start: 0, finish: 50_000, batchSize: 1_250 };
    await expect(countInBatches(plan, runBatch, { adaptive: { targetMs: 250, now } })).rejects.toThrow(
      CounterConfigError,
    );
    expect(calls).toHaveLength(0);
  });
});

describe('countInBatches with servping guards', () => {
  const servping = { guards: 'servping' } as const;

  it.each<[string, BatchPlan]>([
    ['negative bounds', { operation: 'average', start: -5_000, finish: 16, batchSize: 1_000 }],
    ['10 000 or more batches', { operation: 'count', start: 1, finish: 2 ** 40, batchSize: 100_000 }],
    [
      'an estimate past the HLL data volume limit',
      { operation: 'estimate_distinct_count', start: 1, finish: 2 ** 33, batchSize: 10 },
    ],
    ['a batch size GitLab refuses', { operation: 'count', start: 1, finish: 6, batchSize: 1 }],
  ])('counts what GitLab refuses: %s', async (_name, plan) => {
    // One row at the start, one at the end, none between: the batches report where the next row is.
    const rows = [plan.start, plan.finish - 1];
    const { calls, runBatch } = recording((s, e) => ({
      partial: { kind: 'number', value: BigInt(rows.filter((r) => r >= s && r < e).length) },
      nextKey: rows.find((r) => r >= e) === undefined ? null : BigInt(rows.find((r) => r >= e)!),
    }));
    await expect(countInBatches(plan, runBatch, servping)).resolves.toEqual({ kind: 'number', value: 2n });
    expect(calls).toHaveLength(2);
  });

  it('skips the empty stretch after a batch to the next key it reports, ids past 2⁵³ and up to 2⁶³ − 1', async () => {
    const top = 2n ** 63n - 1n;
    const islands = [1n, 2n, 3n, 2n ** 32n, 2n ** 32n + 1n, top - 1n, top];
    const calls: Array<[bigint, bigint]> = [];
    const total = await countOverBigints(
      { operation: 'count', start: 1n, finish: top + 1n, batchSize: 2 },
      (s, e) => {
        calls.push([s, e]);
        const next = islands.find((id) => id >= e);
        return Promise.resolve({
          partial: { kind: 'number', value: BigInt(islands.filter((id) => id >= s && id < e).length) },
          nextKey: next ?? null,
        });
      },
      servping,
    );
    expect(total).toEqual({ kind: 'number', value: 7n });
    expect(calls).toEqual([
      [1n, 3n],
      [3n, 5n],
      [2n ** 32n, 2n ** 32n + 2n],
      [top - 1n, top + 1n],
    ]);
  });

  it('lets a batch over a unique key grow past its width cap but reads at most the row budget', async () => {
    // 1 000 ids spaced 10⁹ apart: widths grow to the range, the budget of 64 rows cuts each batch.
    const ids = Array.from({ length: 1_000 }, (_, i) => BigInt(i) * 10n ** 9n);
    const rowsIn = (s: bigint, e: bigint) => ids.filter((id) => id >= s && id < e).length;
    const probes: number[] = [];
    const batchRows: number[] = [];
    let clockMs = 0;
    const total = await countOverBigints(
      { operation: 'count', start: 0n, finish: ids.at(-1)! + 1n, batchSize: 1 },
      (s, e) => {
        clockMs += 1;
        batchRows.push(rowsIn(s, e));
        return Promise.resolve({ kind: 'number', value: BigInt(rowsIn(s, e)) });
      },
      {
        ...servping,
        adaptive: { targetMs: 250, now: () => clockMs },
        rowBudget: {
          rows: 64,
          endAfter: (s, rows, finish) => {
            probes.push(rows);
            return Promise.resolve(ids.filter((id) => id >= s && id < finish)[rows] ?? null);
          },
        },
      },
    );
    expect(total).toEqual({ kind: 'number', value: 1_000n });
    expect(Math.max(...batchRows)).toBe(64);
    // 1 000 rows in batches of at most 64 rows, after ≤ 10 growth steps (×16 each, 1 → 10¹²):
    // a statement count set by rows, not by the 10¹² width (10⁹ batches of the starting size).
    expect(batchRows.length).toBeLessThanOrEqual(Math.ceil(1_000 / 64) + 10);
    expect(probes.length).toBeLessThanOrEqual(batchRows.length);
  });

  it('halves below the row budget after a timeout of a budget-cut batch', async () => {
    const calls: Array<[bigint, bigint]> = [];
    await countOverBigints(
      { operation: 'count', start: 0n, finish: 1_000n, batchSize: 512 },
      (s, e) => {
        calls.push([s, e]);
        if (calls.length === 1) return Promise.reject(new QueryTimeoutError('statement timeout'));
        return Promise.resolve({ kind: 'number', value: e - s });
      },
      { ...servping, rowBudget: { rows: 100, endAfter: (s) => Promise.resolve(s + 100n) } },
    );
    expect(calls.slice(0, 2)).toEqual([
      [0n, 100n],
      [0n, 50n],
    ]);
  });
});

describe('SERVPING_BATCH_SIZES', () => {
  it("is GitLab's except estimates, which start at 100 000 rows", () => {
    expect(SERVPING_BATCH_SIZES).toEqual({
      count: 100_000,
      distinct_count: 10_000,
      sum: 1_000,
      average: 1_000,
      histogram: 10_000,
      estimate_distinct_count: 100_000,
    });
    expect(DEFAULT_BATCH_SIZES.estimate_distinct_count).toBe(10_000);
  });
});
