// The public surface of @servping/worker: what a process needs to run a worker. Computing
// metrics lives in @servping/compute.
export { buildWorker, type MetricWorker } from './app';
export { loadConfig, workerEnv, type WorkerConfig } from './config';
