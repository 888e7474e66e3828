/**
 * Metrics computed from other metrics' results once a run's workers are done: GitLab's
 * NumbersMetric `add` and database-sourced aggregated metrics (union / intersection of the HLL
 * sketches of estimate_distinct_count metrics). The aggregator and `servping metrics compute`
 * both call `resolveDeferredMetrics`, so they cannot disagree on these numbers.
 */
import type { MetricDefinition, MetricSpec } from '../definitions/types';
import { DEPRECATED_VALUE, errorText, FALLBACK } from './fallback';
import type { MetricResult, MetricValue } from './metric-result';
import { deserializeSketch } from '../hll/sketch-codec';
import { exactToValue } from '../counting/exact-number';
import { intersectionEstimate, unionEstimate } from '../hll/set-operations';

type DefinitionLike = Pick<MetricDefinition, 'keyPath' | 'status' | 'spec'>;

/** `add` and database-sourced aggregates need the whole run; no worker can compute them alone. */
export function isDeferredToAggregator(spec: MetricSpec): boolean {
  return spec.kind === 'add' || (spec.kind === 'aggregated' && spec.source === 'database');
}

/**
 * GitLab's `Utils::UsageData#add`: the sum, but -1 as soon as any input is negative (a fallback
 * must not be averaged into a plausible-looking total) or not a number; `add()` is 0. Integers
 * add exactly: an input past 2⁵³ arrives as its digits (`exactToValue`), and so does a sum past it.
 */
export function addValues(values: readonly MetricValue[]): number | string {
  let integers = 0n;
  let fractions = 0;
  for (const value of values) {
    if (isBigIntegerText(value)) integers += BigInt(value);
    else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return FALLBACK;
    else if (Number.isInteger(value)) integers += BigInt(value);
    else fractions += value;
  }
  return fractions === 0 ? exactToValue(integers) : Number(integers) + fractions;
}

/** The payload form of a non-negative integer past 2⁵³ (`exactToValue`); "3" is not one. */
function isBigIntegerText(value: MetricValue): value is string {
  return typeof value === 'string' && /^\d+$/.test(value) && !Number.isSafeInteger(Number(value));
}

/**
 * Results for every deferred definition (active, broken and deprecated; removed ones are skipped),
 * in the order of `definitions`. `results` are the run's computed metrics. A deferred metric may
 * name another deferred metric; a cycle or a missing input gives -1 with the reason as error.
 */
export function resolveDeferredMetrics(
  definitions: readonly DefinitionLike[],
  results: readonly MetricResult[],
): MetricResult[] {
  const byKeyPath = new Map(results.map((r) => [r.keyPath, r]));
  const deferred = new Map(
    definitions
      .filter((d) => d.status !== 'removed' && isDeferredToAggregator(d.spec))
      .map((d) => [d.keyPath, d]),
  );
  const resolving = new Set<string>();

  const inputOf = (keyPath: string, user: string): MetricResult => {
    const known = byKeyPath.get(keyPath);
    if (known) return known;
    const definition = deferred.get(keyPath);
    if (!definition) throw new Error(`${user}: no result for ${keyPath}`);
    if (resolving.has(keyPath)) throw new Error(`${user}: cycle through ${keyPath}`);
    return resolve(definition);
  };

  const resolve = (definition: DefinitionLike): MetricResult => {
    const { keyPath } = definition;
    const done = byKeyPath.get(keyPath);
    if (done) return done;
    let result: MetricResult;
    if (definition.status === 'deprecated') {
      result = { keyPath, value: DEPRECATED_VALUE, timeElapsedS: 0 };
    } else {
      resolving.add(keyPath);
      try {
        result = { keyPath, value: computeDeferred(definition, inputOf), timeElapsedS: 0 };
      } catch (error) {
        result = { keyPath, value: FALLBACK, timeElapsedS: 0, error: errorText(error) };
      } finally {
        resolving.delete(keyPath);
      }
    }
    byKeyPath.set(keyPath, result);
    return result;
  };

  return [...deferred.values()].map(resolve);
}

function computeDeferred(
  definition: DefinitionLike,
  inputOf: (keyPath: string, user: string) => MetricResult,
): MetricValue {
  const { spec, keyPath } = definition;
  if (spec.kind === 'add') {
    const inputs = spec.keyPaths.map((k) => inputOf(k, keyPath));
    const sum = addValues(inputs.map((input) => input.value));
    const bad = inputs.find((input) => addValues([input.value]) === FALLBACK);
    // Say which input turned the sum into -1, so the timings metadata points at the culprit.
    if (bad) throw new Error(`${keyPath}: input ${bad.keyPath} is ${JSON.stringify(bad.value)}`);
    return sum;
  }
  if (spec.kind !== 'aggregated') throw new Error(`${keyPath}: ${spec.kind} is not a deferred kind`);

  const sketches = spec.events.map((eventKeyPath) => {
    const input = inputOf(eventKeyPath, keyPath);
    if (!input.sketch) {
      // GitLab's UnionNotAvailable: the source metric failed or is not an estimate.
      throw new Error(`${keyPath}: ${eventKeyPath} has no sketch${input.error ? ` (${input.error})` : ''}`);
    }
    return deserializeSketch(input.sketch);
  });
  if (sketches.length === 0) throw new Error(`${keyPath}: aggregated metric lists no events`);
  if (spec.operator === 'OR') return unionEstimate(sketches);
  return intersectionEstimate(
    (subset) => unionEstimate(subset.map((i) => sketches[i] as Uint8Array)),
    sketches.length,
  );
}
