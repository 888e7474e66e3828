import { html, type SafeHtml } from './html';

/** What every signed-in page needs besides its body. */
export interface PageContext {
  /** The session's CSRF token, put in every state-changing form. */
  csrf: string;
  /** The console's mount path, e.g. `/console`. */
  base: string;
}

const NAV: [string, string][] = [
  ['', 'Usage statistics'],
  ['/preview', 'Preview payload'],
  ['/runs', 'Runs'],
];

/** A hidden CSRF field and the form around `body`, posting to `action`. */
export function postForm(ctx: PageContext, action: string, body: SafeHtml, className = ''): SafeHtml {
  return html`<form method="post" action="${ctx.base}${action}" class="${className}">
    <input type="hidden" name="_csrf" value="${ctx.csrf}" />${body}
  </form>`;
}

/** A whole page; signed out (no CSRF token) it has no navigation. */
export function page(
  ctx: PageContext | { base: string; csrf?: undefined },
  title: string,
  current: string,
  body: SafeHtml,
): string {
  const { base } = ctx;
  const nav =
    ctx.csrf !== undefined
      ? html`<nav aria-label="Console">
          <ul>
            ${NAV.map(
              ([href, label]) =>
                html`<li>
                  <a href="${base}${href || '/'}" ${current === href ? html` aria-current="page"` : ''}
                    >${label}</a
                  >
                </li>`,
            )}
            <li><a href="/admin/queues">Queues</a></li>
          </ul>
          ${postForm(ctx, '/logout', html`<button type="submit" class="link">Sign out</button>`, 'signout')}
        </nav>`
      : '';
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · servping console</title>
        <link rel="icon" href="${base}/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="${base}/static/console.css" />
        <script src="${base}/static/console.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header><span class="brand">servping</span>${nav}</header>
        <main id="main">${body}</main>
      </body>
    </html>`.text;
}

export const when = (date: Date | null | undefined): string =>
  date ? date.toISOString().replace('.000Z', 'Z') : '—';

export function seconds(value: number | undefined): string {
  if (value === undefined) return '';
  return value >= 10 ? value.toFixed(1) : value.toFixed(3);
}

/** A metric value on one line: numbers and strings as they are, objects as compact JSON. */
export function shortValue(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A key_path that may wrap after each dot (long GitLab key paths would widen any table). */
export function keyPathText(keyPath: string): SafeHtml {
  return html`${keyPath.split('.').map((part, i) => (i === 0 ? html`${part}` : html`.<wbr />${part}`))}`;
}

/** An accessible progress bar with its numbers beside it. */
export function progressBar(id: string, done: number, total: number): SafeHtml {
  const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
  return html`<span class="progress" data-progress="${id}"
    ><progress max="${Math.max(total, 1)}" value="${done}" aria-label="Metrics done of run ${id}">
      ${percent} %
    </progress>
    <span class="progress-text">${done}/${total} · ${percent} %</span></span
  >`;
}

/** A notice shown after a redirect (`?notice=`), from a fixed table so no text comes from the URL. */
export const NOTICES: Record<string, string> = {
  saved: 'Settings saved.',
  already_running: 'A run is already in progress; it is shown below.',
  disabled: 'Service Ping is disabled on this instance: enable it to run.',
  invalid_dictionary:
    'The metric dictionary is invalid; the run was not started. Check the collector log or `servping definitions validate`.',
  csrf: 'The form was stale; please try again.',
  preview_started: 'A preview run started; the payload appears here when it is stored.',
};

export function notice(code: unknown): SafeHtml {
  const text = typeof code === 'string' ? NOTICES[code] : undefined;
  return text ? html`<p class="notice" role="status">${text}</p>` : html``;
}
