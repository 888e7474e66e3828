import { FlowProducer, Queue } from 'bullmq';
import type { RedisClient } from '@servping/runtime';
import { QUEUE_NAMES, type QueueName } from '@servping/shared';

/** The four queues of the pipeline and the producer of run flows, on one producer connection. */
export interface RunQueues {
  queues: Readonly<Record<QueueName, Queue>>;
  flowProducer: FlowProducer;
  close(): Promise<void>;
}

/**
 * One Queue per pipeline queue, created once per process (never per request), sharing the
 * caller's connection, which the caller quits after `close()`.
 */
export function createRunQueues(
  connection: RedisClient,
  prefix: string,
  onError: (err: Error) => void,
): RunQueues {
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => {
      const queue = new Queue(name, { connection, prefix });
      queue.on('error', onError);
      return [name, queue];
    }),
  ) as Record<QueueName, Queue>;
  const flowProducer = new FlowProducer({ connection, prefix });
  flowProducer.on('error', onError);
  return {
    queues,
    flowProducer,
    async close() {
      await Promise.all([...Object.values(queues).map((q) => q.close()), flowProducer.close()]);
    },
  };
}
