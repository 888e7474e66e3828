import express, { type Router } from 'express';
import type { JSONSchemaType } from 'ajv';
import { DATA_CATEGORIES, type DataCategory } from '@servping/shared';
import { SEND_MODES, type SendMode, type SettingsRepository } from '@servping/runtime';
import { ApiError } from '../http/api-error';
import { requireScope, type TokenTable } from '../http/auth';
import { jsonBody } from '../http/json-body';
import { validateBody } from '../http/validate-body';
import type { Preview } from '../runs/preview';
import type { RunTrigger } from '../runs/run-trigger';
import type { RunViews } from '../runs/run-view';

interface TriggerBody {
  submit?: boolean;
  requested_by?: 'api' | 'cli';
}

const triggerSchema: JSONSchemaType<TriggerBody> = {
  type: 'object',
  additionalProperties: false,
  properties: {
    submit: { type: 'boolean', nullable: true },
    requested_by: { type: 'string', enum: ['api', 'cli'], nullable: true },
  },
};

interface SettingsBody {
  enabled?: boolean;
  permitted_data_categories?: DataCategory[];
  license?: Record<string, unknown> | null;
  send_mode?: SendMode;
}

const settingsSchema: JSONSchemaType<SettingsBody> = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', nullable: true },
    permitted_data_categories: {
      type: 'array',
      items: { type: 'string', enum: [...DATA_CATEGORIES] },
      uniqueItems: true,
      nullable: true,
    },
    license: { type: 'object', nullable: true, required: [] },
    send_mode: { type: 'string', enum: [...SEND_MODES], nullable: true },
  },
};

export interface RunsRoutesDeps {
  tokens: TokenTable;
  trigger: RunTrigger;
  views: RunViews;
  preview: Preview;
  settings: SettingsRepository;
}

/** The admin API under /api/v1: trigger and follow runs, preview the payload, change settings. */
export function runsRoutes(deps: RunsRoutesDeps): Router {
  const router = express.Router();
  router.use(requireScope(deps.tokens, 'admin'), jsonBody);

  router.post('/runs', validateBody(triggerSchema), async (req, res) => {
    const body = req.body as TriggerBody;
    const { runId } = await deps.trigger.trigger({
      requestedBy: body.requested_by ?? 'api',
      submit: body.submit ?? true,
    });
    res.status(202).location(`/api/v1/runs/${runId}`).json({ runId });
  });

  router.get('/runs', async (req, res) => {
    const limit = Math.min(Math.max(Number(req.query.limit) || 20, 1), 200);
    res.json({ runs: await deps.views.list(limit) });
  });

  router.get('/runs/:id', async (req, res) => {
    const view = await deps.views.get(req.params.id);
    if (!view) throw new ApiError(404, `no run ${req.params.id}`);
    res.json(view);
  });

  router.get('/preview', async (_req, res) => {
    const answer = await deps.preview.get();
    if (answer.ready) res.json(answer);
    else res.status(202).location(`/api/v1/runs/${answer.runId}`).json(answer);
  });

  router.get('/settings', async (_req, res) => {
    res.json(await deps.settings.get());
  });

  router.patch('/settings', validateBody(settingsSchema), async (req, res) => {
    const body = req.body as SettingsBody;
    res.json(
      await deps.settings.update({
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
        ...(body.permitted_data_categories
          ? { permittedDataCategories: body.permitted_data_categories }
          : {}),
        ...(body.license !== undefined ? { license: body.license } : {}),
        ...(body.send_mode ? { sendMode: body.send_mode } : {}),
      }),
    );
  });
  return router;
}
