import { trackedEventProblem } from './check-tracked-event';
import type { EventDefinition } from './event-definition';

const RUNNER: EventDefinition = {
  action: 'create_ci_runner',
  file: 'events/create_ci_runner.yml',
  identifiers: ['user', 'project', 'namespace'],
  properties: { label: 'string', value: 'number', runner_type: 'string' },
  status: 'active',
};
const BARE: EventDefinition = { ...RUNNER, action: 'bare', identifiers: [], properties: {} };

describe('trackedEventProblem', () => {
  it.each([
    [
      RUNNER,
      { identifiers: ['user', 'project'], properties: { label: 'x', value: 3, runner_type: 'group' } },
    ],
    [BARE, { identifiers: [], properties: {} }],
  ] as const)('accepts what %s defines', (definition, input) => {
    expect(trackedEventProblem(definition, input)).toBeUndefined();
  });

  it.each([
    [
      BARE,
      { identifiers: ['project'], properties: {} },
      /^event 'bare' is not tracked with project_id \(its identifiers: none/,
    ],
    [
      RUNNER,
      { identifiers: [], properties: { colour: 'red' } },
      /has no additional property 'colour' \(defined: label, value, runner_type/,
    ],
    [
      RUNNER,
      { identifiers: [], properties: { value: '3' } },
      /'value' of event 'create_ci_runner' must be a number; got "3"/,
    ],
    [
      RUNNER,
      { identifiers: [], properties: { constructor: 'x' } },
      /has no additional property 'constructor'/,
    ],
  ] as const)('refuses %#', (definition, input, message) => {
    expect(trackedEventProblem(definition, input)).toMatch(message);
  });
});
