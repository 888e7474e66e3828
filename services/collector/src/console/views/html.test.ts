import { html } from './html';
import { barList, columnChart } from './charts';

describe('html', () => {
  it('escapes every interpolated value unless it is html output itself', () => {
    const keyPath = '<img src=x onerror=alert(1)>';
    const error = `relation "x" doesn't exist & more`;
    const out = html`<li data-key-path="${keyPath}">${keyPath} ${html`<b>${error}</b>`}</li>`.text;
    expect(out).toBe(
      '<li data-key-path="&lt;img src=x onerror=alert(1)&gt;">&lt;img src=x onerror=alert(1)&gt; ' +
        '<b>relation &quot;x&quot; doesn&#39;t exist &amp; more</b></li>',
    );
  });

  it('joins arrays and renders nothing for undefined, null and false', () => {
    expect(html`${['<a>', html`<b></b>`]}|${undefined}|${null}|${false}|${0}`.text).toBe(
      '&lt;a&gt;<b></b>||||0',
    );
  });
});

describe('charts', () => {
  const bars = [
    { label: 'counts.<script>', value: 2.5, tone: 'bad' as const },
    { label: 'counts.issues', value: 0.5 },
  ];

  it('draws one element per bar carrying its value, largest as long as the plot allows', () => {
    const svg = barList('slowest', 'Slowest', bars, 's').text;
    expect([...svg.matchAll(/data-value="([\d.]+)"/g)].map((m) => m[1])).toEqual(['2.5', '0.5']);
    const widths = [...svg.matchAll(/class="bar [a-z]+"\s+x="300"\s+y="[\d.]+"\s+width="([\d.]+)"/g)].map(
      (m) => Number(m[1]),
    );
    expect(widths).toEqual([250, 50]);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('counts.&lt;script&gt;');
  });

  it('says so when there is nothing to draw, and still gives the (empty) table', () => {
    const svg = columnChart('durations', 'Durations', [], 's').text;
    expect(svg).toContain('no finished runs yet');
    expect(svg).toContain('<details class="chart-data">');
  });
});
