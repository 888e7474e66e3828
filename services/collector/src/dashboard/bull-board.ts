import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Express } from 'express';
import { JOB_QUEUE, type QueueName } from '@servping/shared';
import type { Queue } from 'bullmq';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * What bull-board's page needs on top of the strict policy: its own scripts, styles and icons,
 * its API by fetch, and the `<base href>` it sets (its web font host stays blocked; the page
 * falls back to system fonts).
 */
export const BULL_BOARD_CSP = {
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'base-uri': ["'self'"],
};

/**
 * The form bull-board shows for "Add job" on the runs queue: a `trigger-run` job whose data the
 * planner reads (requested_by defaults to dashboard, submit to true).
 */
export const TRIGGER_RUN_FORM_SCHEMA = {
  type: 'object',
  properties: {
    requestedBy: { type: 'string', enum: ['dashboard'], default: 'dashboard' },
    submit: { type: 'boolean', default: true, description: 'false: store the payload without sending it' },
  },
  additionalProperties: false,
};

/** bull-board over all four pipeline queues (the flow tree needs every queue of the flow). */
export function dashboardRouter(queues: Readonly<Record<QueueName, Queue>>): Express {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  const runsQueue = JOB_QUEUE['trigger-run'];
  createBullBoard({
    queues: Object.entries(queues).map(
      ([name, queue]) =>
        new BullMQAdapter(queue, name === runsQueue ? { jobDataSchema: TRIGGER_RUN_FORM_SCHEMA } : {}),
    ),
    serverAdapter,
  });
  const app = serverAdapter.getRouter() as Express;
  // bull-board mounts an Express app of its own, which would announce itself again.
  app.disable('x-powered-by');
  return app;
}
