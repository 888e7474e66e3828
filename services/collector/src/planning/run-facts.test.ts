import { runFacts } from './run-facts';

const settings = {
  enabled: true,
  uuid: '0b3ab2f4-0000-4000-8000-000000000001',
  hostname: 'gitlab.example.com',
  version: '17.5.0',
  edition: 'EE',
  installationType: 'omnibus',
  versionsUrl: 'http://versions',
  permittedDataCategories: ['standard', 'operational'] as ('standard' | 'operational')[],
  license: { plan: 'ultimate', user_count: 120, add_ons: { duo: 3 } },
  sendMode: 'send' as const,
};
const database = { adapter: 'postgresql', version: '15.19', pgSystemId: '7300000000000000001', flavor: null };

describe('runFacts', () => {
  it('takes identity from the settings row and database facts from the instance database', () => {
    const facts = runFacts({ settings, database, productSettings: {}, operatingSystem: 'linux-6.1' });
    expect(facts.instance).toEqual({
      uuid: settings.uuid,
      hostname: 'gitlab.example.com',
      version: '17.5.0',
      edition: 'EE',
      installationType: 'omnibus',
      database,
      collectedDataCategories: ['standard', 'operational'],
    });
  });

  it('reports declared product settings, and servping-owned settings win over declared ones', () => {
    const facts = runFacts({
      settings: { ...settings, enabled: false },
      database,
      productSettings: { smtp_encrypted_secrets_enabled: true, usage_ping_enabled: true },
      operatingSystem: 'linux-6.1',
    });
    expect(facts.settings).toEqual({
      smtp_encrypted_secrets_enabled: true,
      usage_ping_enabled: false,
      operating_system: 'linux-6.1',
    });
  });

  it('keeps scalar license fields and drops nested ones; no license is an empty object', () => {
    expect(runFacts({ settings, database, productSettings: {}, operatingSystem: 'x' }).license).toEqual({
      plan: 'ultimate',
      user_count: 120,
    });
    expect(
      runFacts({
        settings: { ...settings, license: null },
        database,
        productSettings: {},
        operatingSystem: 'x',
      }).license,
    ).toEqual({});
  });
});
