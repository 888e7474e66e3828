// The aggregator's public surface, for the end-to-end test and the CLI.
export { buildAggregator, type Aggregator } from './app';
export { loadConfig, aggregatorEnv, type AggregatorConfig } from './config';
