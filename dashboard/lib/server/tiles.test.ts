import { describe, expect, it } from 'vitest';
import { metric } from '../../../models/catalogue.js';
import { change, tileTarget } from './tiles.js';

describe("a tile's change", () => {
  it('shows a rate in points and anything else relative to before', () => {
    expect(change(metric('fcr_rate'), 0.74, 0.78)).toEqual({ change: '−4.0 pts', tone: 'worse' });
    expect(change(metric('conversations'), 1100, 1000)).toEqual({ change: '+10.0%', tone: null });
    expect(change(metric('first_response_s'), 600, 900)).toEqual({ change: '−33.3%', tone: 'better' });
  });

  it('shows a score in points when asked', () => {
    expect(change(metric('internal_quality_score'), 84.2, 83, 'points')).toEqual({ change: '+1.2 pts', tone: 'better' });
    expect(change(metric('internal_quality_score'), 80, 80, 'points')).toEqual({ change: '+0.0 pts', tone: 'same' });
  });

  it('has nothing to show when a side is missing or a relative change has no base', () => {
    expect(change(metric('fcr_rate'), null, 0.78)).toEqual({ change: null, tone: null });
    expect(change(metric('conversations'), 5, 0)).toEqual({ change: null, tone: null });
  });
});

describe("a tile's target", () => {
  const targets = [
    { metric: 'fcr_rate', value: 0.8 },
    { metric: 'fcr_rate', value: 0.85, channel: 'email' },
    { metric: 'fcr_rate', value: 0.7, channel: 'email', month: '2026-11' },
    { metric: 'first_response_s', value: 4 * 3600 },
  ];

  it('says met or missed and by how much, in the direction of the catalogue', () => {
    // FCR 78.5% against 80%: 1.5 points short (higher is better)
    expect(tileTarget(metric('fcr_rate'), 0.785, targets)).toEqual({ met: false, text: 'Target 80.0%: missed by 1.5 pts' });
    expect(tileTarget(metric('fcr_rate'), 0.812, targets)).toEqual({ met: true, text: 'Target 80.0%: met, 1.2 pts above' });
    // first response 3h 30m against 4h: met, 30 minutes below (lower is better)
    expect(tileTarget(metric('first_response_s'), 3.5 * 3600, targets)).toEqual({ met: true, text: 'Target 4h: met, 30m below' });
    expect(tileTarget(metric('first_response_s'), 5 * 3600, targets)).toEqual({ met: false, text: 'Target 4h: missed by 1h' });
  });

  it('takes the most specific target of the channel, team and month shown', () => {
    expect(tileTarget(metric('fcr_rate'), 0.82, targets, { channel: 'email' })).toEqual({ met: false, text: 'Target 85.0%: missed by 3.0 pts' });
    expect(tileTarget(metric('fcr_rate'), 0.82, targets, { channel: 'email', month: '2026-11' })?.text).toBe('Target 70.0%: met, 12.0 pts above');
    expect(tileTarget(metric('fcr_rate'), 0.82, targets, { channel: 'chat', month: '2026-11' })?.text).toBe('Target 80.0%: met, 2.0 pts above');
  });

  it('is absent without a target or a value', () => {
    expect(tileTarget(metric('csat_rate'), 0.9, targets)).toBeUndefined();
    expect(tileTarget(metric('fcr_rate'), null, targets)).toBeUndefined();
  });
});
