import type { InstanceFacts, MetricValue, RunFacts } from '@servping/shared';
import type { InstanceSettings } from '@servping/runtime';

/**
 * The facts every job of a run reports (system, setting and license metrics), fixed once by the
 * planner so all workers and the aggregator agree, whatever changes in the settings meanwhile.
 */
export function runFacts(options: {
  settings: InstanceSettings;
  database: InstanceFacts['database'];
  productSettings: Readonly<Record<string, string | number | boolean | null>>;
  operatingSystem: string;
}): RunFacts {
  const { settings } = options;
  return {
    instance: {
      uuid: settings.uuid,
      hostname: settings.hostname,
      version: settings.version,
      edition: settings.edition,
      installationType: settings.installationType,
      database: options.database,
      collectedDataCategories: settings.permittedDataCategories,
    },
    settings: {
      ...options.productSettings,
      usage_ping_enabled: settings.enabled,
      operating_system: options.operatingSystem,
    },
    license: scalarsOnly(settings.license ?? {}),
  };
}

/** License fields as payload values: nested structures are not license facts and are dropped. */
function scalarsOnly(record: Record<string, unknown>): Record<string, MetricValue> {
  return Object.fromEntries(
    Object.entries(record).filter(
      ([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v),
    ) as [string, MetricValue][],
  );
}
