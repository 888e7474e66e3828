import { counterKey } from './counter-key';

describe('counterKey', () => {
  it.each([
    [{ event: 'pushes', prefix: 'source_code' }, 'USAGE_SOURCE_CODE_PUSHES'],
    [{ event: 'pushes', prefix: null }, 'USAGE_PUSHES'],
    [{ event: 'pushes' }, 'USAGE_PUSHES'],
    [{ event: 'pushes', prefix: 'source_code', includeUsagePrefix: false }, 'SOURCE_CODE_PUSHES'],
    [{ event: 'web_ide_commits', includeUsagePrefix: false }, 'WEB_IDE_COMMITS'],
  ])('%j → %s', (parts, expected) => {
    expect(counterKey(parts)).toBe(expected);
  });
});
