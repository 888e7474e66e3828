import { SubmissionError } from '../errors';
import { parseUsageDataAnswer } from './versions-answer';

describe('parseUsageDataAnswer', () => {
  it.each([
    [
      'conv_index with only the id',
      { conv_index: { usage_data_id: 31643 } },
      31643,
      { usage_data_id: 31643 },
    ],
    [
      'conv_index with scores',
      { conv_index: { usage_data_id: 7, leader_issues: 10.2, instance_issues: 3.2 } },
      7,
      { usage_data_id: 7, leader_issues: 10.2, instance_issues: 3.2 },
    ],
    ['a legacy dev_ops_score', { dev_ops_score: { usage_data_id: 12 } }, 12, { usage_data_id: 12 }],
  ])('reads %s', (_name, body, usageDataId, convIndex) => {
    expect(parseUsageDataAnswer(body)).toEqual({ usageDataId, convIndex });
  });

  it.each([
    [{ conv_index: { usage_data_id: -1000 } }, '-1000'],
    [{ conv_index: { usage_data_id: 0 } }, '0'],
    [{ conv_index: { usage_data_id: '5' } }, '5'],
    [{ conv_index: { usage_data_id: 1.5 } }, '1.5'],
    [{ conv_index: {} }, 'undefined'],
    [{}, 'undefined'],
    [null, 'undefined'],
    ['<html>', 'undefined'],
  ])('rejects %j as "Invalid usage_data_id in response: %s"', (body, shown) => {
    let caught: unknown;
    try {
      parseUsageDataAnswer(body);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SubmissionError);
    expect(caught).toMatchObject({ message: `Invalid usage_data_id in response: ${shown}`, retryable: true });
  });
});
