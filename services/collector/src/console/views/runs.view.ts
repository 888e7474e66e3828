import type { StoredRef } from '@servping/runtime';
import type { RunView } from '../../runs/run-view';
import { METRIC_SORTS, type MetricRow, type MetricSort } from '../metric-order';
import { html, type SafeHtml } from './html';
import {
  keyPathText,
  notice,
  page,
  postForm,
  progressBar,
  seconds,
  shortValue,
  type PageContext,
} from './layout';

const active = (v: Pick<RunView, 'state'>) => v.state === 'planned' || v.state === 'running';

/** Where a run's payload goes: sent to Versions, kept (collect only) or a preview. */
function delivery(v: RunView, stored: StoredRef | undefined): string {
  if (!v.submit) return v.collectOnly ? 'collect only' : 'preview';
  return stored?.usageDataId ? `sent, usage_data_id ${stored.usageDataId}` : 'send';
}

const shortTime = (iso: string) => iso.slice(0, 19).replace('T', ' ');

function duration(v: RunView): string {
  if (!v.finishedAt) return '';
  return `${((Date.parse(v.finishedAt) - Date.parse(v.createdAt)) / 1000).toFixed(1)} s`;
}

export interface RunListItem {
  view: RunView;
  stored: StoredRef | undefined;
}

export function runsPage(ctx: PageContext, items: RunListItem[], noticeCode: unknown): string {
  const rows = items.map(
    ({ view: v, stored }) =>
      html`<tr data-run="${v.id}" ${active(v) ? html` data-live="${ctx.base}/runs/${v.id}/progress"` : ''}>
        <td class="nowrap"><a href="${ctx.base}/runs/${v.id}">${v.id}</a></td>
        <td class="state ${v.state}" data-field="state">${v.state}</td>
        <td>${v.requestedBy}</td>
        <td>${delivery(v, stored)}</td>
        <td class="nowrap">${shortTime(v.createdAt)}</td>
        <td>${duration(v)}</td>
        <td>${progressBar(v.id, v.metrics.done, v.metrics.total)}</td>
        <td class="num" data-field="fallbacks">${v.metrics.fallbacks}</td>
        <td>${stored ? html`<a href="${ctx.base}/payloads/${stored.id}/download" download>JSON</a>` : ''}</td>
      </tr>`,
  );
  return page(
    ctx,
    'Runs',
    '/runs',
    html`<h1>Runs</h1>
      ${notice(noticeCode)}
      <div class="actions">
        ${postForm(ctx, '/runs', html`<button type="submit">Run now</button>`, 'inline')}
      </div>
      <table class="runs">
        <caption>
          Newest first; active runs update live.
        </caption>
        <thead>
          <tr>
            <th scope="col">run</th>
            <th scope="col">state</th>
            <th scope="col">by</th>
            <th scope="col">payload</th>
            <th scope="col">created (UTC)</th>
            <th scope="col">duration</th>
            <th scope="col">progress</th>
            <th scope="col">fallbacks</th>
            <th scope="col">download</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>`,
  );
}

const SORT_LABELS: Record<MetricSort, string> = {
  problems: 'failed first',
  name: 'key_path',
  time: 'seconds',
  state: 'state',
  shards: 'shards',
};

/** The metrics table alone: the run page embeds it, and its live script fetches it again. */
export function metricsTable(
  ctx: PageContext,
  runId: string,
  rows: MetricRow[],
  sort: MetricSort,
  reverse: boolean,
): SafeHtml {
  const header = (column: MetricSort, label: string) => {
    const current = sort === column;
    const href = `${ctx.base}/runs/${encodeURIComponent(runId)}?sort=${column}${current && !reverse ? '&reverse=1' : ''}`;
    return html`<th scope="col" ${current ? html` aria-sort="${reverse ? 'ascending' : 'descending'}"` : ''}>
      <a href="${href}">${label}${current ? (reverse ? ' ▲' : ' ▼') : ''}</a>
    </th>`;
  };
  const body = rows.map(
    (m) =>
      html`<tr class="${m.state}">
        <td><code>${keyPathText(m.name)}</code></td>
        <td class="state ${m.state}">${m.state}</td>
        <td class="value"><code>${shortValue(m.value)}</code></td>
        <td class="num">${seconds(m.timeElapsedS)}</td>
        <td class="num">${m.shards ?? ''}</td>
        <td class="error">${m.error ?? ''}</td>
      </tr>`,
  );
  return html`<table class="metrics" id="metrics-table">
    <caption>
      Every metric of the run, sorted by ${SORT_LABELS[sort]}${reverse ? ' (reversed)' : ''}. Sort by:
      ${METRIC_SORTS.map((s) => html` <a href="${ctx.base}/runs/${encodeURIComponent(runId)}?sort=${s}">${SORT_LABELS[s]}</a>`)}
    </caption>
    <colgroup>
      <col class="c-key" />
      <col class="c-state" />
      <col class="c-value" />
      <col class="c-num" />
      <col class="c-num" />
      <col class="c-error" />
    </colgroup>
    <thead>
      <tr>
        ${header('name', 'key_path')}${header('state', 'state')}
        <th scope="col">value</th>
        ${header('time', 'seconds')}${header('shards', 'shards')}
        <th scope="col">error</th>
      </tr>
    </thead>
    <tbody>
      ${body}
    </tbody>
  </table>`;
}

/** What the run page refreshes while the run is active: its facts, download link and metrics. */
export function runDetails(
  ctx: PageContext,
  view: RunView,
  table: SafeHtml,
  stored: StoredRef | undefined,
): SafeHtml {
  const facts: [string, string][] = [
    ['state', view.state],
    ['requested by', view.requestedBy],
    ['payload', delivery(view, stored)],
    ['recorded at', view.recordedAt ?? '—'],
    ['created', view.createdAt],
    ['finished', view.finishedAt ?? '—'],
    ['duration', duration(view) || '—'],
    ['shards', String(view.shards)],
    ['fallbacks', String(view.metrics.fallbacks)],
  ];
  if (view.submission?.lastError) facts.push(['last send error', view.submission.lastError]);
  if (view.error) facts.push(['error', view.error]);
  const download = stored
    ? html`<p>
        <a class="button" href="${ctx.base}/payloads/${stored.id}/download" download>Download this payload</a>
      </p>`
    : '';
  return html`<dl class="facts">
      ${facts.map(
        ([k, v]) =>
          html`<dt>${k}</dt>
            <dd>${v}</dd>`,
      )}
    </dl>
    ${download}${table}`;
}

export function runPage(ctx: PageContext, view: RunView, details: SafeHtml): string {
  const live = active(view)
    ? html` data-live="${ctx.base}/runs/${view.id}/progress"
      data-details="${ctx.base}/runs/${view.id}/details"`
    : '';
  return page(
    ctx,
    `Run ${view.id}`,
    '/runs',
    html`<h1>Run <code>${view.id}</code></h1>
      <div class="run-head" data-run="${view.id}" ${live}>
        <p>
          ${progressBar(view.id, view.metrics.done, view.metrics.total)}
          <span class="state ${view.state}" data-field="state">${view.state}</span>
        </p>
      </div>
      <div id="run-details">${details}</div>`,
  );
}
