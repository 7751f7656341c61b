import { describe, expect, it } from 'vitest';
import { metric } from '../../../models/catalogue.js';
import { change } from './tiles.js';

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
