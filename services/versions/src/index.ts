// The public surface of @servping/versions, for the end-to-end test and the CLI.
export { buildApp as buildVersions, type VersionsApp, type VersionsDeps } from './app';
export { loadConfig, versionsEnvSpec, type VersionsConfig } from './config';
export { migrateToLatest, createVersionsDatabase } from './repositories/database.repository';
export { computeDevopsScore, perUserValues, DEVOPS_METRICS, type DevopsScore } from './scoring/devops-score';
