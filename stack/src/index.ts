// The public surface of @servping/stack: the local stack of processes and its backing services.
export { ensureBackingServices, type BackingServices, type ConfiguredUrls } from './backing-services';
export { embeddedServerPrograms } from './embedded-postgres';
export { freePorts } from './free-ports';
export {
  serviceCommand,
  startStack,
  SERVICE_NODE_OPTIONS,
  type RunningStack,
  type StackOptions,
} from './service-stack';
export { answers } from './tcp-probe';
