import { describe, expect, it } from 'vitest';
import { slaTiles } from './sla-tiles.js';

const f = { from: '2026-10-01', to: '2026-10-31' };

describe('the SLA tiles', () => {
  it('show achievement and first-response attainment against the previous period, in points', () => {
    // 45 of 50 settled conversations met every target (90%), 40 of 50 the month before (80%);
    // 57 of 60 first responses in time (95%), 54 of 60 before (90%)
    const now = { sla_achievement_rate: 0.9, sla_achievement_rate_base: 50, sla_first_response_rate: 0.95, sla_first_response_rate_base: 60 };
    const before = { sla_achievement_rate: 0.8, sla_achievement_rate_base: 50, sla_first_response_rate: 0.9, sla_first_response_rate_base: 60 };
    const tiles = slaTiles(now, before, { sla_achievement_rate: '<svg/>' }, { ...f, channel: 'email' });
    expect(tiles.map((t) => [t.label, t.value, t.second, t.change, t.tone])).toEqual([
      ['SLA achievement', '90.0%', '50 settled conversations', '+10.0 pts', 'better'],
      ['First response within SLA', '95.0%', '60 first responses due', '+5.0 pts', 'better'],
    ]);
    expect(tiles[0]?.spark).toBe('<svg/>');
    expect(tiles[0]?.href).toBe('/metrics/sla_achievement_rate?from=2026-10-01&to=2026-10-31&channel=email');
  });

  it('are left out when no conversation of the period has an SLA', () => {
    const none = { sla_achievement_rate: null, sla_achievement_rate_base: 0, sla_first_response_rate: null, sla_first_response_rate_base: 0 };
    expect(slaTiles(none, none, {}, f)).toEqual([]);
  });
});
