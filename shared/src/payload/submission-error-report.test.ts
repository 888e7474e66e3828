import { toWireErrorReport } from './submission-error-report';

describe('toWireErrorReport', () => {
  it('renames to the wire names and rounds elapsed to a tenth of a second', () => {
    expect(
      toWireErrorReport({
        time: new Date('2024-06-03T10:00:05.000Z'),
        uuid: 'u-1',
        hostname: 'gitlab.example.com',
        version: '17.5.0',
        message: 'Unsuccessful response code: 504',
        elapsedS: 5.26,
      }),
    ).toStrictEqual({
      error: {
        time: '2024-06-03T10:00:05.000Z',
        uuid: 'u-1',
        hostname: 'gitlab.example.com',
        version: '17.5.0',
        message: 'Unsuccessful response code: 504',
        elapsed: 5.3,
      },
    });
  });
});
