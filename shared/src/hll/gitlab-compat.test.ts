import { expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  applyGitlabRows,
  gitlabBucketOfMd5,
  gitlabBucketsFromMd5,
  gitlabEstimate,
  mergeBuckets,
} from './gitlab-compat';

const md5 = (value: string) => createHash('md5').update(value).digest('hex');
const bucketsOf = (values: string[]) => gitlabBucketsFromMd5(values.map(md5));

describe('GitLab md5 buckets', () => {
  // buckets_spec.rb vectors, research/gitlab-service-ping.md §12.3.
  it.each([
    ['1', 56, 1],
    ['2', 141, 1],
    ['3', 126, 1],
    ['4', 121, 2],
    ['5', 383, 1],
    ['a', 441, 4],
    ['b', 510, 3],
  ])('value %s falls into bucket %d with rank %d', (value, bucket, rank) => {
    expect(gitlabBucketOfMd5(md5(value))).toEqual({ bucket, rank });
  });

  it('builds the buckets of the spec fixture from the values 1..5', () => {
    expect(bucketsOf(['1', '2', '3', '4', '5'])).toEqual({ 121: 2, 126: 1, 141: 1, 383: 1, 56: 1 });
  });

  it('fails like the SQL does when the masked hash is zero', () => {
    expect(() => gitlabBucketOfMd5('80000000' + '0'.repeat(24))).toThrow('cannot take logarithm of zero');
  });

  it('rejects text that is not an md5 digest', () => {
    expect(() => gitlabBucketOfMd5('xyz')).toThrow(
      expect.objectContaining({ code: 'SERVPING_SKETCH_FORMAT' }),
    );
  });
});

describe('gitlabEstimate (newest buckets.rb formula)', () => {
  it.each([
    ['no buckets', {}, 0],
    ['values 1..5', { 121: 2, 126: 1, 141: 1, 383: 1, 56: 1 }, 5.024574181542231],
    ["values 'a','b'", { 441: 4, 510: 3 }, 2.003916452421793],
    ['two spec buckets', { 141: 1, 56: 1 }, 2.003916452421793],
    [
      'the union of {141:1,56:1} and {10:1,56:1}',
      mergeBuckets({ 141: 1, 56: 1 }, { 10: 1, 56: 1 }),
      3.008823546360305,
    ],
  ])('estimates %s as %p', (_name, buckets, expected) => {
    expect(gitlabEstimate(buckets)).toBe(expected);
  });

  it('switches to the raw estimate above 2.5·m: the strings 0..99999 give 100764', () => {
    const values = Array.from({ length: 100000 }, (_, i) => String(i));
    expect(gitlabEstimate(bucketsOf(values))).toBe(100764);
  });
});

describe('mergeBuckets and applyGitlabRows', () => {
  it('keeps the larger rank per bucket, as merge_hash! does', () => {
    expect(mergeBuckets({ 1: 1, 2: 3 }, { 1: 2, 2: 1 })).toEqual({ 1: 2, 2: 3 });
  });

  it('folds SQL rows into the accumulator in place', () => {
    const buckets = { 56: 1 };
    const returned = applyGitlabRows(buckets, [
      { bucket_num: 56, bucket_hash: 3 },
      { bucket_num: 441, bucket_hash: 4 },
    ]);
    expect(returned).toBe(buckets);
    expect(buckets).toEqual({ 56: 3, 441: 4 });
  });

  it.each([
    [{ bucket_num: 512, bucket_hash: 1 }],
    [{ bucket_num: 0, bucket_hash: 0 }],
    [{ bucket_num: 0, bucket_hash: 32 }],
  ])('rejects the malformed row %j', (row) => {
    expect(() => applyGitlabRows({}, [row])).toThrow(
      expect.objectContaining({ code: 'SERVPING_SKETCH_FORMAT' }),
    );
  });
});
