import { describe, expect, it } from 'vitest';
import { concurrencyEffect, summariseDays } from './staffing-summary.js';

const row = (interval: string, conversations: number, agents: number, service_level: number, occupancy: number) => ({
  interval,
  conversations,
  handle_time_s: 600,
  agents,
  service_level,
  occupancy,
});

// two days of two one-hour intervals
const rows = [
  row('2026-12-01T09:00:00.000Z', 6, 3, 0.9, 0.5),
  row('2026-12-01T10:00:00.000Z', 0, 0, 1, 0),
  row('2026-12-02T09:00:00.000Z', 2, 1, 0.85, 0.25),
  row('2026-12-02T10:00:00.000Z', 4, 2, 0.95, 0.4),
];

describe('staffing summaries', () => {
  it('per day: peak, agent hours, the lowest service level of a busy interval', () => {
    expect(summariseDays(rows, ['2026-12-01', '2026-12-02'], 2, 1)).toEqual([
      { date: '2026-12-01', conversations: 6, peakAgents: 3, agentHours: 3, lowestServiceLevel: 0.9 },
      { date: '2026-12-02', conversations: 6, peakAgents: 2, agentHours: 3, lowestServiceLevel: 0.85 },
    ]);
  });

  it('per concurrency: occupancy weighted by load (Σ A ÷ Σ s)', () => {
    // A ∝ conversations: 6, 2, 4; s = A ÷ occupancy: 12, 8, 10 → 12 ÷ 30 = 0.4 (the plain mean would be 0.383)
    expect(concurrencyEffect(rows, 3, 0.5)).toEqual({ concurrency: 3, peakAgents: 3, agentHours: 3, occupancy: 0.4 });
  });
});
