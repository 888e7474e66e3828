import { isStorableDate, isStorableTimestamp } from './storable-time';

describe('isStorableTimestamp', () => {
  it.each([
    ['2025-06-02T08:00:00.000Z', true],
    ['2025-06-02T08:00:00+02:00', true],
    ['2024-02-29T23:59:59.123456789Z', true],
    ['2024-12-31T23:59:60Z', false],
    ['2023-02-29T00:00:00Z', false],
    ['2025-13-01T00:00:00Z', false],
    ['2025-06-02T24:00:00Z', false],
    ['2025-06-02T08:00:00', false],
    ['2025-06-02T08:00:00+24:00', false],
    ['1969-12-31T23:59:59Z', false],
    ['2200-01-01T00:00:00Z', false],
    ['0000-01-01T00:00:00Z', false],
  ])('%s → %s', (text, expected) => {
    expect(isStorableTimestamp(text)).toBe(expected);
  });
});

describe('isStorableDate', () => {
  it.each([
    ['2025-01-01', true],
    ['0001-01-01', true],
    ['9999-12-31', true],
    ['0000-01-01', false],
    ['2025-02-29', false],
    ['2024-02-29', true],
    ['2025-00-10', false],
    ['2025-1-1', false],
  ])('%s → %s', (text, expected) => {
    expect(isStorableDate(text)).toBe(expected);
  });
});
