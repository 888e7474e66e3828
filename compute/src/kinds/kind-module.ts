import type { DefinitionKind, MetricKind } from '@servping/shared';
import type { Counter, SpecOf } from '../compute-context';

/** Everything servping knows about one kind of metric, in one object (see `KINDS`). */
export interface KindModule<K extends MetricKind> {
  kind: K;
  /** Computes a metric of this kind; throwing is the way to fail (the dispatcher adds the fallback). */
  counter: Counter<SpecOf<K>>;
  /** How definitions become specs of this kind: options schema and resolver (absent: no class has it). */
  definition?: DefinitionKind;
}
