import { parseProcStatus } from './process-memory';

describe('parseProcStatus', () => {
  it.each([
    [
      'Name:\tnode\nVmPeak:\t 999 kB\nVmHWM:\t   102400 kB\nVmRSS:\t    51251 kB\n',
      { peakRssMb: 100, rssMb: 50 },
    ],
    ['VmRSS:\t 1024 kB\nVmHWM:\t 2048 kB\n', { peakRssMb: 2, rssMb: 1 }],
    ['Name:\tzombie\nState:\tZ\n', null],
    ['VmHWM:\t 2048 kB\n', null],
  ])('parses %j', (status, expected) => {
    expect(parseProcStatus(status)).toEqual(expected);
  });
});
