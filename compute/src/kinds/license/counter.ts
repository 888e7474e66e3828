import type { MetricSpec } from '@servping/shared';
import type { Counter } from '../../compute-context';
import { toMetricValue } from '../to-metric-value';

/**
 * A license field (plan, user_count, …). An instance without a license is normal, so a missing
 * field reports null, as GitLab's license metrics do on an unlicensed instance.
 */
export const computeLicenseField: Counter<Extract<MetricSpec, { kind: 'license' }>> = async (
  spec,
  _metric,
  ctx,
  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a throw into the rejection withDeadline expects of every Counter
) => ({
  value: toMetricValue(ctx.license[spec.field], `license field '${spec.field}'`),
});
