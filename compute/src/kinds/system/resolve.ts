import { specOk, specUnsupported, type DefinitionKind, type SystemFact } from '@servping/shared';

/** GitLab's system instrumentation classes and the fact each reports. */
const SYSTEM_CLASSES: Readonly<Record<string, SystemFact>> = {
  UuidMetric: 'uuid',
  HostnameMetric: 'hostname',
  VersionMetric: 'version',
  EditionMetric: 'edition',
  InstallationTypeMetric: 'installation_type',
  RecordedAtMetric: 'recorded_at',
  DatabaseAdapterMetric: 'database_adapter',
  DatabaseVersionMetric: 'database_version',
  DatabasePgSystemIdMetric: 'database_pg_system_id',
  DatabaseFlavorMetric: 'database_flavor',
  CollectedDataCategoriesMetric: 'collected_data_categories',
};

/** The system classes: no options, one fact each. */
export const systemDefinition: DefinitionKind = {
  classes: Object.keys(SYSTEM_CLASSES),
  schemaRules: [],
  resolve: ({ className }) => {
    const fact = className === undefined ? undefined : SYSTEM_CLASSES[className];
    return fact ? specOk({ kind: 'system', fact }) : specUnsupported(`${className} is not a system class`);
  },
};
