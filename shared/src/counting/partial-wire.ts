import type { SerializedSketch } from '../payload/metric-result';
import { deserializeSketch, serializeSketch } from '../hll/sketch-codec';
import { bitsFromWire, bitsToWire, type DistinctBitsWire } from './distinct-bits';
import type { PartialResult } from './partial-result';

/**
 * A partial as it travels between jobs (a shard job's return value, stored by BullMQ as JSON):
 * identical to PartialResult except for the parts JSON cannot carry: servping registers travel as
 * a SerializedSketch (a Uint8Array does not survive JSON) and exact distinct sets as word arrays
 * (a Map does not either).
 */
export type PartialWire =
  | Exclude<PartialResult, { kind: 'sketch' | 'distinct_bits' | 'grouped_distinct_bits' }>
  | { kind: 'sketch'; sketch: SerializedSketch }
  | { kind: 'distinct_bits'; bits: DistinctBitsWire }
  | { kind: 'grouped_distinct_bits'; groups: Record<string, DistinctBitsWire> };

/** The JSON-safe form of `partial`. */
export function partialToWire(partial: PartialResult): PartialWire {
  switch (partial.kind) {
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
