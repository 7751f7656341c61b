import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../models/config.js';
import { withDemoSla } from './sla-config.js';

describe("the demo's SLA configuration", () => {
  it('applies when the configuration sets no policies and no schedules', () => {
    const config = withDemoSla(parseConfig({}));
    expect(config.sla_policies.map((p) => p.name)).toEqual(['urgent', 'enterprise email', 'email', 'live chat', 'messaging']);
    expect(config.team_schedules).toEqual({ 'Tier 1 Americas': 'americas' });
    expect(config.schedules['americas']?.timezone).toBe('America/New_York');
  });

  it("leaves a configuration's own policies alone", () => {
    const own = parseConfig({ sla_policies: [{ name: 'all', targets: { first_response: '1h' } }] });
    expect(withDemoSla(own).sla_policies.map((p) => p.name)).toEqual(['all']);
  });

  it('is what the browser tests build with', () => {
    const e2e = loadConfig('tests/e2e/fixtures/parley.config.yaml');
    const demo = withDemoSla(parseConfig({}));
    expect({ schedules: e2e.schedules, team_schedules: e2e.team_schedules, sla_policies: e2e.sla_policies }).toEqual({
      schedules: demo.schedules,
      team_schedules: demo.team_schedules,
      sla_policies: demo.sla_policies,
    });
  });
});
