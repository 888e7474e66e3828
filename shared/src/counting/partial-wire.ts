import type { SerializedSketch } from '../payload/metric-result';
import { deserializeSketch, serializeSketch } from '../hll/sketch-codec';
import { bitsFromWire, bitsToWire, type DistinctBitsWire } from './distinct-bits';
import { exactFromWire, exactToWire } from './exact-number';
import type { PartialResult } from './partial-result';

/**
 * A partial as it travels between jobs (a shard job's return value, stored by BullMQ as JSON):
 * identical to PartialResult except for the parts JSON cannot carry: servping registers travel as
 * a SerializedSketch (a Uint8Array does not survive JSON), exact distinct sets as word arrays
 * (a Map does not either) and exact integers as decimal text (a bigint does not either).
 */
export type PartialWire =
  | Exclude<
      PartialResult,
      { kind: 'number' | 'grouped' | 'average' | 'sketch' | 'distinct_bits' | 'grouped_distinct_bits' }
    >
  | { kind: 'number'; value: string | number }
  | { kind: 'grouped'; values: Record<string, string | number> }
  | { kind: 'average'; sum: string | number; count: number }
  | { kind: 'sketch'; sketch: SerializedSketch }
  | { kind: 'distinct_bits'; bits: DistinctBitsWire }
  | { kind: 'grouped_distinct_bits'; groups: Record<string, DistinctBitsWire> };

/** The JSON-safe form of `partial`. */
export function partialToWire(partial: PartialResult): PartialWire {
  switch (partial.kind) {
    case 'number':
      return { kind: 'number', value: exactToWire(partial.value) };
    case 'grouped':
      return { kind: 'grouped', values: mapValues(partial.values, exactToWire) };
    case 'average':
      return { kind: 'average', sum: exactToWire(partial.sum), count: partial.count };
    case 'sketch':
      return { kind: 'sketch', sketch: serializeSketch(partial.registers) };
    case 'distinct_bits':
      return { kind: 'distinct_bits', bits: bitsToWire(partial.bits) };
    case 'grouped_distinct_bits':
      return {
        kind: 'grouped_distinct_bits',
        groups: Object.fromEntries([...partial.groups].map(([key, bits]) => [key, bitsToWire(bits)])),
      };
    default:
      return partial;
  }
}

/**
 * The partial back from its wire form; throws SERVPING_SKETCH_FORMAT for a corrupt sketch and
 * SERVPING_AGGREGATION for a malformed distinct set.
 */
export function partialFromWire(wire: PartialWire): PartialResult {
  switch (wire.kind) {
    case 'number':
      return { kind: 'number', value: exactFromWire(wire.value) };
    case 'grouped':
      return { kind: 'grouped', values: mapValues(wire.values, exactFromWire) };
    case 'average':
      return { kind: 'average', sum: exactFromWire(wire.sum), count: wire.count };
    case 'sketch':
      return { kind: 'sketch', registers: deserializeSketch(wire.sketch) };
    case 'distinct_bits':
      return { kind: 'distinct_bits', bits: bitsFromWire(wire.bits) };
    case 'grouped_distinct_bits':
      return {
        kind: 'grouped_distinct_bits',
        groups: new Map(Object.entries(wire.groups).map(([key, bits]) => [key, bitsFromWire(bits)])),
      };
    default:
      return wire;
  }
}

function mapValues<A, B>(record: Readonly<Record<string, A>>, map: (value: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
