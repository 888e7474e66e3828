import { barChart, lineChart, niceMax } from './svg-charts';

describe('niceMax', () => {
  it.each([
    [0, 1],
    [1, 1],
    [3, 5],
    [7, 10],
    [12, 20],
    [0.3, 0.5],
    [250, 500],
  ])('%d → %d', (value, expected) => {
    expect(niceMax(value)).toBeCloseTo(expected, 10);
  });
});

describe('charts', () => {
  it('draws one point per datum, top of the axis at the nice maximum', () => {
    const svg = lineChart({
      id: 'c',
      title: 'T',
      data: [
        { label: 'a', value: 0 },
        { label: 'b', value: 4 },
      ],
    });
    expect(svg.match(/<circle class="point"/g)).toHaveLength(2);
    expect(svg).toContain('data-points="2"');
    // value 4 on a 0..5 axis over a 176 px plot: 16 + 176 − 4/5·176 = 51.2
    expect(svg).toContain('cy="51.2"');
  });

  it('escapes labels that come from instances', () => {
    const svg = barChart({
      id: 'b',
      title: 'T',
      data: [{ label: '<img src=x onerror=alert(1)>', value: 1 }],
    });
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(1);
  });

  it('says so when there is no data', () => {
    expect(lineChart({ id: 'e', title: 'T', data: [] })).toContain('no data yet');
  });
});
