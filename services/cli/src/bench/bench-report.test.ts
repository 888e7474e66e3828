import { modeBars, renderModeChart } from './bench-report';
import { ratios } from './run-bench';

const modes = {
  naive: { wallMs: 10_000 },
  gitlab: { wallMs: 20_000 },
  servping: { '1': { wallMs: 5_000 }, '2': { error: 'collector exited <1>' } },
} as never;

describe('modeBars', () => {
  it('lists naive, gitlab, then servping per worker count, with the reason where one did not run', () => {
    expect(modeBars({ modes })).toEqual([
      { label: 'naive', wallMs: 10_000 },
      { label: 'gitlab', wallMs: 20_000 },
      { label: 'servping 1w', wallMs: 5_000 },
      { label: 'servping 2w', wallMs: null, note: 'error: collector exited <1>' },
    ]);
  });
});

describe('renderModeChart', () => {
  const svg = renderModeChart(modeBars({ modes }), 'Catalog & time');

  it('scales bars to the longest (490 px) and labels them in seconds', () => {
    expect(svg).toContain('<rect x="120" y="48" width="245" height="22" fill="#888"/>');
    expect(svg).toContain('<rect x="120" y="82" width="490" height="22" fill="#888"/>');
    expect(svg).toContain('<rect x="120" y="116" width="123" height="22" fill="#2b6cb0"/>');
    expect(svg).toContain('>20.0 s</text>');
  });

  it('escapes text and shows the reason of a mode that did not run', () => {
    expect(svg).toContain('Catalog &amp; time');
    expect(svg).toContain('fill="#a33">error: collector exited &lt;1&gt;</text>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="720" height="196"')).toBe(true);
  });
});

describe('ratios', () => {
  it('divides servping wall time by each baseline, null where a side is missing', () => {
    expect(ratios({ modes })).toEqual({
      '1': { overNaive: 0.5, overGitlab: 0.25 },
      '2': { overNaive: null, overGitlab: null },
    });
    expect(
      ratios({
        modes: {
          naive: { error: 'x' },
          gitlab: { wallMs: 8000 },
          servping: { '4': { wallMs: 1000 } },
        } as never,
      }),
    ).toEqual({
      '4': { overNaive: null, overGitlab: 0.125 },
    });
  });
});
