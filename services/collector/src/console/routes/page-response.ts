import type { Response } from 'express';
import { DefinitionError } from '@servping/shared';
import { RunAlreadyInProgressError, ServicePingDisabledError } from '../../runs/run-errors';
import type { RunTrigger } from '../../runs/run-trigger';
import { csrfToken } from '../console-session';
import type { PageContext } from '../views/layout';

/** What each page needs from the console's session: where it is mounted and the CSRF token. */
export function pageContext(res: Response, base: string, secret: string): PageContext {
  // requireSession ran before any page handler and put the session here.
  return { base, csrf: csrfToken(res.locals.consoleSession!, secret) };
}

export const sendPage = (res: Response, text: string, status = 200) =>
  res.status(status).type('html').send(text);

/** A trigger refusal as a notice code of the page the operator is sent back to. */
function refusal(err: unknown): string {
  if (err instanceof DefinitionError) return 'invalid_dictionary';
  if (err instanceof RunAlreadyInProgressError) return 'already_running';
  if (err instanceof ServicePingDisabledError) return 'disabled';
  throw err;
}

/** Starts a run from a console form and redirects: to `started(runId)`, or back with why not. */
export async function startRun(
  res: Response,
  options: {
    trigger: RunTrigger;
    base: string;
    submit: boolean;
    started: (runId: string) => string;
    refused: string;
  },
): Promise<void> {
  try {
    const { runId } = await options.trigger.trigger({ requestedBy: 'console', submit: options.submit });
    res.redirect(303, `${options.base}${options.started(runId)}`);
  } catch (err) {
    res.redirect(303, `${options.base}${options.refused}?notice=${refusal(err)}`);
  }
}
