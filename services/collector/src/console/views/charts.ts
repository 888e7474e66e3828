import { html, type SafeHtml } from './html';

/** One bar: what it stands for, its size, and a class for its colour (run state). */
export interface Bar {
  label: string;
  value: number;
  tone?: 'ok' | 'bad';
  /** A short axis label under a column (the full label is in its tooltip and the table). */
  tick?: string;
}

const round = (n: number) => Math.round(n * 100) / 100;
const label = (bar: Bar, unit: string) => `${bar.label}: ${round(bar.value)} ${unit}`;

/** The same numbers as a table, for screen readers and for copying. */
function dataTable(caption: string, bars: readonly Bar[], unit: string): SafeHtml {
  return html`<details class="chart-data">
    <summary>${caption} as a table</summary>
    <table>
      <thead>
        <tr>
          <th scope="col">item</th>
          <th scope="col">${unit}</th>
        </tr>
      </thead>
      <tbody>
        ${bars.map(
          (b) =>
            html`<tr>
              <td>${b.label}</td>
              <td class="num">${round(b.value)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </details>`;
}

/**
 * Vertical columns left to right (oldest first), drawn on the server as SVG: nothing to load,
 * nothing from a CDN, readable without JavaScript. Each column carries its value in `data-value`.
 */
export function columnChart(id: string, caption: string, bars: readonly Bar[], unit: string): SafeHtml {
  const width = 640;
  const height = 200;
  const plot = { left: 48, top: 12, bottom: 28 };
  const max = Math.max(...bars.map((b) => b.value), 0) || 1;
  const slot = (width - plot.left) / Math.max(bars.length, 1);
  const scale = (height - plot.top - plot.bottom) / max;
  const tickEvery = Math.ceil(bars.length / 10);
  const columns = bars.map((b, i) => {
    const h = Math.max(1, b.value * scale);
    const w = Math.min(slot * 0.7, 40);
    const x = plot.left + i * slot + (slot - w) / 2;
    const tick =
      b.tick && i % tickEvery === 0
        ? html`<text
            class="tick"
            x="${round(x + w / 2)}"
            y="${height - plot.bottom + 16}"
            text-anchor="middle"
            >${b.tick}</text
          >`
        : '';
    return html`${tick}${rect('column', b, unit, { x, y: height - plot.bottom - h, w, h })}`;
  });
  const axes = html`<line
      class="axis"
      x1="${plot.left}"
      y1="${height - plot.bottom}"
      x2="${width}"
      y2="${height - plot.bottom}"
    />
    <text class="tick" x="${plot.left - 6}" y="${plot.top + 8}" text-anchor="end">${round(max)} ${unit}</text>
    <text class="tick" x="${plot.left - 6}" y="${height - plot.bottom}" text-anchor="end">0</text>`;
  const empty = bars.length === 0 ? 'no finished runs yet' : undefined;
  return figure({ id, caption, width, height, unit, bars, empty }, html`${axes}${columns}`);
}

/** Horizontal bars, largest first, each labelled with its name and value. */
export function barList(id: string, caption: string, bars: readonly Bar[], unit: string): SafeHtml {
  const width = 640;
  const row = 24;
  const labelWidth = 300;
  const height = Math.max(row, bars.length * row) + 8;
  const max = Math.max(...bars.map((b) => b.value), 0) || 1;
  const span = width - labelWidth - 90;
  const rows = bars.map((b, i) => {
    const y = 4 + i * row;
    const w = Math.max(1, (b.value / max) * span);
    const name = b.label.length > 44 ? `…${b.label.slice(-43)}` : b.label;
    return html`<text class="bar-name" x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${name}</text>
      ${rect('bar', b, unit, { x: labelWidth, y: y + 4, w, h: row - 8 })}
      <text class="bar-value" x="${round(labelWidth + w + 6)}" y="${y + 16}"
        >${round(b.value)} ${unit}</text
      >`;
  });
  const empty = bars.length === 0 ? 'no stored payload yet' : undefined;
  return figure({ id, caption, width, height, unit, bars, empty }, html`${rows}`);
}

/** One bar or column, its value in `data-value` and, as a tooltip, in its title. */
function rect(
  kind: 'bar' | 'column',
  bar: Bar,
  unit: string,
  box: { x: number; y: number; w: number; h: number },
) {
  return html`<rect
    class="${kind} ${bar.tone ?? 'ok'}"
    x="${round(box.x)}"
    y="${round(box.y)}"
    width="${round(box.w)}"
    height="${round(box.h)}"
    data-value="${round(bar.value)}"
    ><title>${label(bar, unit)}</title></rect
  >`;
}

/** The chart's figure: caption, the SVG (an image named by the caption), its data as a table. */
function figure(
  chart: {
    id: string;
    caption: string;
    width: number;
    height: number;
    unit: string;
    bars: readonly Bar[];
    empty?: string;
  },
  body: SafeHtml,
): SafeHtml {
  const { id, caption, width, height } = chart;
  const empty = chart.empty
    ? html`<text class="empty" x="${width / 2}" y="${Math.min(height / 2, 16)}" text-anchor="middle"
        >${chart.empty}</text
      >`
    : '';
  return html`<figure class="chart">
    <figcaption>${caption}</figcaption>
    <svg
      id="${id}"
      viewBox="0 0 ${width} ${height}"
      role="img"
      aria-label="${caption}"
      xmlns="http://www.w3.org/2000/svg"
    >
      ${body}${empty}
    </svg>
    ${dataTable(caption, chart.bars, chart.unit)}
  </figure>`;
}
