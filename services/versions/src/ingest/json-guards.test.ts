import { inspectJsonDocument, mayContainUnstorableText, mayHoldNumberJsonbRefuses } from './json-guards';

function nested(levels: number): unknown {
  let doc: unknown = 1;
  for (let i = 0; i < levels; i++) doc = { a: doc };
  return doc;
}

describe('inspectJsonDocument: guards', () => {
  it.each([
    ['a plain payload', { uuid: 'x', counts: { issues: 3, h: { '-1': -1 } }, list: [1, 'a', null] }, []],
    [
      '__proto__ as an own key',
      JSON.parse('{"counts":{"__proto__":{"x":1}}}'),
      ['forbidden_key /counts/__proto__'],
    ],
    ['constructor in an array element', [{ constructor: 1 }], ['forbidden_key /0/constructor']],
    ['prototype at the root', { prototype: {} }, ['forbidden_key /prototype']],
    ['Infinity from 1e999', JSON.parse('{"a":[1e999]}'), ['non_finite_number /a/0']],
    ['NaN', { a: NaN }, ['non_finite_number /a']],
    ['32 nested objects', nested(32), []],
    ['33 nested objects', nested(33), [`too_deep /${Array(32).fill('a').join('/')}`]],
    ['NUL in a value', JSON.parse('{"h":"a\\u0000b"}'), ['invalid_string /h']],
    ['a lone surrogate in a key', JSON.parse('{"\\ud800":1}'), ['invalid_string /\ud800']],
    ['a surrogate pair is fine', { emoji: '\ud83d\ude00' }, []],
    [
      'a slash in a key is escaped',
      { 'a/b': { __proto__x: 1, prototype: 1 } },
      ['forbidden_key /a~1b/prototype'],
    ],
  ])('%s', (_name, doc, expected) => {
    expect(inspectJsonDocument(doc).violations.map((v) => `${v.reason} ${v.path}`)).toEqual(expected);
  });

  it('does not overflow the stack on 100000 levels of arrays', () => {
    const doc: unknown = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(inspectJsonDocument(doc).violations.map((v) => v.reason)).toEqual(['too_deep']);
  });
});

describe('mayContainUnstorableText', () => {
  it.each([
    ['plain text', '{"a":"b","n":1}', false],
    ['other escapes', '{"a":"tab\\t quote\\" \\u00e9 \\u2028 \\ue000"}', false],
    ['a raw emoji (UTF-8, no escape)', '{"a":"\ud83d\ude00"}', false],
    ['an escaped NUL', '{"a":"x\\u0000"}', true],
    ['an escaped high surrogate, lower case', '{"a":"\\ud800"}', true],
    ['an escaped low surrogate, upper case', '{"\\uDFFF":1}', true],
    ['an escaped pair (storable, still checked)', '{"a":"\\ud83d\\ude00"}', true],
    ['an escaped backslash before u0000 (storable, still checked)', '{"a":"\\\\u0000"}', true],
  ])('%s', (_name, text, expected) => {
    expect(mayContainUnstorableText(text)).toBe(expected);
  });

  it('is true for every text whose parsed document the string check refuses', () => {
    const texts = ['"\\u0000"', '"\\ud800"', '"\\uDBFF"', '"\\udc00"', '{"\\uDFFFk":1}', '["a\\u0000b"]'];
    for (const text of texts) {
      expect(inspectJsonDocument(JSON.parse(text)).violations.map((v) => v.reason)).toEqual([
        'invalid_string',
      ]);
      expect(mayContainUnstorableText(text)).toBe(true);
    }
  });

  it('lets the walk skip strings while keeping every other check', () => {
    const doc: unknown = JSON.parse('{"a":"\\u0000","__proto__":1,"n":[1e999]}');
    expect(
      inspectJsonDocument(doc, { checkStrings: false }).violations.map((v) => `${v.reason} ${v.path}`),
    ).toEqual(['forbidden_key /__proto__', 'non_finite_number /n/0']);
  });
});

describe('mayHoldNumberJsonbRefuses', () => {
  // jsonb refuses a number whose scale (digits after the point minus the exponent) passes 16383.
  it.each([
    [
      'a GitLab-shaped body',
      '{"uuid":"8f3e-4123-9abc","version":"17.2.1-ee","counts":{"a":1,"b":0.25}}',
      false,
    ],
    ['an exponent of three digits', '{"a":1e-999}', false],
    ['8191 fractional digits', `{"a":0.${'1'.repeat(8191)}}`, false],
    ['8192 fractional digits', `{"a":0.${'1'.repeat(8192)}}`, true],
    ['20000 fractional digits', `[0.${'1'.repeat(20_000)}]`, true],
    ['an exponent of -16384', '{"a":1e-16384}', true],
    ['an exponent of four digits before a space', '{"a": 2.5E-1000 }', true],
    ['an exponent as the last token', '1e-20000', true],
    ['an exponent of 100 digits', `[1e-${'0'.repeat(96)}1234]`, true],
    ['a hyphenated word', '{"a":"pre-release","b":"e-1234x"}', false],
    ['a uuid segment that looks like an exponent', '{"id":"3e-4123-8f2e"}', false],
  ])('%s', (_name, text, expected) => {
    expect(mayHoldNumberJsonbRefuses(text)).toBe(expected);
  });
});
