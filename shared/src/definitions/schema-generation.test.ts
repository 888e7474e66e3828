import { schemaGeneration } from './schema-generation';

describe('schemaGeneration', () => {
  it.each([
    [{ tiers: ['free'], milestone: '17.0' }, 'tiers'],
    [{ tiers: ['free'], distribution: ['ce'], tier: ['free'] }, 'tiers'],
    [{ distribution: ['ce'], tier: ['free'], status: 'active' }, 'distribution_tier'],
    [{ distribution: ['ee'], tier: ['premium'], status: 'data_available' }, 'first'],
    [{ distribution: ['ee'], tier: ['premium'], status: 'active', data_source: 'ruby' }, 'first'],
    [{}, 'distribution_tier'],
  ])('%j is %s', (doc, expected) => {
    expect(schemaGeneration(doc)).toBe(expected);
  });
});
