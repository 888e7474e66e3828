import type { SerializedSketch } from '../payload/metric-result';
import { deserializeSketch, serializeSketch } from '../hll/sketch-codec';
import type { PartialResult } from './partial-result';

/**
 * A partial as it travels between jobs (a shard job's return value, stored by BullMQ as JSON):
 * identical to PartialResult except that servping registers travel as a SerializedSketch, since a
 * Uint8Array does not survive JSON.
 */
export type PartialWire =
  Exclude<PartialResult, { kind: 'sketch' }> | { kind: 'sketch'; sketch: SerializedSketch };

/** The JSON-safe form of `partial`. */
export function partialToWire(partial: PartialResult): PartialWire {
  return partial.kind === 'sketch' ? { kind: 'sketch', sketch: serializeSketch(partial.registers) } : partial;
}

/** The partial back from its wire form; throws SERVPING_SKETCH_FORMAT for a corrupt sketch. */
export function partialFromWire(wire: PartialWire): PartialResult {
  return wire.kind === 'sketch' ? { kind: 'sketch', registers: deserializeSketch(wire.sketch) } : wire;
}
