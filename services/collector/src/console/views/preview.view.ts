import type { RunView } from '../../runs/run-view';
import type { ConsolePayload } from '../console-payload';
import type { PayloadDiff } from '../payload-diff';
import { html, type SafeHtml } from './html';
import { notice, page, postForm, progressBar, shortValue, when, type PageContext } from './layout';

export interface PreviewData {
  preview: ConsolePayload | undefined;
  lastSent: ConsolePayload | undefined;
  diff: PayloadDiff | undefined;
  /** A run building a payload that will not be sent (a preview or a collect-only run). */
  building: RunView | undefined;
  query: string;
  notice: unknown;
}

const isBranch = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0;

const keyCount = (v: Record<string, unknown>) => {
  const n = Object.keys(v).length;
  return n === 1 ? '1 key' : `${n} keys`;
};

/** Whether `keyPath` or anything below it matches the search. */
function matches(value: unknown, keyPath: string, query: string): boolean {
  if (query === '' || keyPath.toLowerCase().includes(query)) return true;
  return isBranch(value) && Object.entries(value).some(([k, v]) => matches(v, `${keyPath}.${k}`, query));
}

/**
 * The payload as nested `<details>` (native disclosure: keyboard and screen readers work with no
 * script). Every node carries its key_path; a search keeps the matching branches, opened.
 */
function tree(node: Record<string, unknown>, prefix: string, query: string, depth: number): SafeHtml {
  const items = Object.entries(node)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .filter(([key, value]) => matches(value, prefix ? `${prefix}.${key}` : key, query))
    .map(([key, value]) => {
      const keyPath = prefix ? `${prefix}.${key}` : key;
      if (!isBranch(value)) {
        return html`<li data-key-path="${keyPath}">
          <code class="key">${key}</code> <code class="value">${shortValue(value)}</code>
        </li>`;
      }
      const open = query !== '' || depth === 0;
      return html`<li data-key-path="${keyPath}"><details${open ? html` open` : ''}><summary><code class="key">${key}</code> <span class="hint">${keyCount(value)}</span></summary>
<ul>${tree(value, keyPath, query, depth + 1)}</ul></details></li>`;
    });
  return html`${items}`;
}

function list(title: string, id: string, entries: SafeHtml[]): SafeHtml {
  return html`<section class="diff-group" aria-labelledby="${id}-h">
    <h3 id="${id}-h">${title} <span class="count" id="${id}-count">${entries.length}</span></h3>
    ${
      entries.length > 0
        ? html`<ul class="diff" id="${id}">
            ${entries}
          </ul>`
        : html`<p class="hint">none</p>`
    }
  </section>`;
}

function diffView(data: PreviewData): SafeHtml {
  if (!data.preview) return html``;
  if (!data.lastSent || !data.diff) {
    return html`<p>
      No payload was sent yet, so there is nothing to compare with: every key_path would be new.
    </p>`;
  }
  const d = data.diff;
  const kv = (keyPath: string, value: unknown) =>
    html`<li><code>${keyPath}</code> <code>${shortValue(value)}</code></li>`;
  return html`<p>
      Compared with the payload sent ${when(data.lastSent.sentAt)} (usage_data_id
      ${data.lastSent.usageDataId}); ${d.unchanged} key paths are unchanged.
    </p>
    <div class="diff-groups">
      ${list(
        'Turned into a fallback',
        'fell-back',
        d.fellBack.map(
          (e) =>
            html`<li>
              <code>${e.keyPath}</code> <code>${shortValue(e.from)}</code> →
              <code class="bad">${shortValue(e.to)}</code
              >${e.error ? html`<br /><span class="error">${e.error}</span>` : ''}
            </li>`,
        ),
      )}
      ${list(
        'Changed',
        'changed',
        d.changed.map(
          (e) =>
            html`<li>
              <code>${e.keyPath}</code> <code>${shortValue(e.from)}</code> → <code>${shortValue(e.to)}</code>
            </li>`,
        ),
      )}
      ${list(
        'Added',
        'added',
        d.added.map((e) => kv(e.keyPath, e.value)),
      )}
      ${list(
        'Removed',
        'removed',
        d.removed.map((e) => kv(e.keyPath, e.value)),
      )}
    </div>`;
}

export function previewPage(ctx: PageContext, data: PreviewData): string {
  const { preview, building } = data;
  const source = preview
    ? html`<p>
        Payload recorded ${when(preview.recordedAt)} by run
        <a href="${ctx.base}/runs/${preview.runId ?? ''}">${preview.runId ?? 'unknown'}</a>, built by the same
        aggregator as a sent payload and never sent.
      </p>`
    : html`<p>No payload has been built without sending yet.</p>`;
  const progress = building
    ? html`<p
        class="building"
        data-run="${building.id}"
        data-live="${ctx.base}/runs/${building.id}/progress"
        data-reload-when-done="1"
      >
        Building in run <a href="${ctx.base}/runs/${building.id}">${building.id}</a>:
        ${progressBar(building.id, building.metrics.done, building.metrics.total)}
      </p>`
    : postForm(ctx, '/preview', html`<button type="submit">Build a new preview</button>`, 'inline');
  const download = preview
    ? html`<a class="button" href="${ctx.base}/payloads/${preview.id}/download" download>Download payload</a>`
    : '';
  return page(
    ctx,
    'Preview payload',
    '/preview',
    html`<h1>Preview payload</h1>
      ${notice(data.notice)}${source}
      <div class="actions">${download}${progress}</div>
      <h2>What changed since the last payload sent</h2>
      ${diffView(data)}
      ${
        preview
          ? html`<h2>Payload</h2>
              <form method="get" action="${ctx.base}/preview" class="search" role="search">
                <label for="key-path-search">Search key_path</label>
                <input
                  id="key-path-search"
                  name="q"
                  type="search"
                  value="${data.query}"
                  autocomplete="off"
                  data-filter-tree="payload-tree"
                />
                <button type="submit">Search</button>
              </form>
              <ul class="tree" id="payload-tree">
                ${tree(preview.payload, '', data.query.toLowerCase(), 0)}
              </ul>`
          : ''
      }`,
  );
}
