import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

const problem = (input: unknown) => {
  try {
    parseConfig(input, 'parley.config.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  return 'no problem';
};

describe('targets in the configuration', () => {
  it('reads each value in its metric’s unit: a rate as a share or a percentage, a duration as 4h', () => {
    const config = parseConfig({
      targets: [
        { metric: 'fcr_rate', value: '80%' },
        { metric: 'csat_rate', value: 0.9, team: 'Tier 1' },
        { metric: 'first_response_s', value: '4h', channel: 'email' },
        { metric: 'full_resolution_s', value: '1h30m', month: '2026-11' },
      ],
    });
    expect(config.targets.map((t) => [t.metric, t.value, t.channel, t.team, t.month])).toEqual([
      ['fcr_rate', 0.8, undefined, undefined, undefined],
      ['csat_rate', 0.9, undefined, 'Tier 1', undefined],
      ['first_response_s', 14400, 'email', undefined, undefined],
      ['full_resolution_s', 5400, undefined, undefined, '2026-11'],
    ]);
    expect(parseConfig({}).targets).toEqual([]);
  });

  it('names the key and the fix for each problem in one line', () => {
    expect(problem({ targets: [{ metric: 'fcr_percent', value: 0.8 }] })).toBe(
      'parley.config.yaml: targets.0.metric: "fcr_percent" is not a metric of the catalogue: see docs/metrics.md (for example fcr_rate)',
    );
    expect(problem({ targets: [{ metric: 'fcr', value: 0.8 }] })).toBe(
      'parley.config.yaml: targets.0.metric: fcr takes no target: it is not in the monthly summary; name a metric such as fcr_rate, csat_rate or first_response_s (docs/metrics.md)',
    );
    expect(problem({ targets: [{ metric: 'conversations', value: 100 }] })).toMatch(
      /^parley\.config\.yaml: targets\.0\.metric: conversations takes no target: neither a higher nor a lower value is better/,
    );
    expect(problem({ targets: [{ metric: 'first_response_s', value: 3600 }] })).toBe(
      'parley.config.yaml: targets.0.value: first_response_s is a duration: write the target as "4h", "15m" or "1h30m"',
    );
    expect(problem({ targets: [{ metric: 'fcr_rate', value: 80 }] })).toMatch(
      /targets\.0\.value: fcr_rate is a rate: write the target as a percentage \("80%"\) or a share between 0 and 1/,
    );
    expect(problem({ targets: [{ metric: 'fcr_rate', value: 0.8, month: 'November' }] })).toBe(
      'parley.config.yaml: targets.0.month: write month as YYYY-MM (for example "2026-12")',
    );
    expect(problem({ targets: [{ metric: 'fcr_rate', value: 0.8, chanel: 'email' }] })).toBe('parley.config.yaml: targets.0: "chanel" is not a setting here: check the spelling');
  });
});

describe('alert rules in the configuration', () => {
  it('reads the four kinds, thresholds in the metric’s unit', () => {
    const config = parseConfig({
      alerts: {
        webhook: 'http://127.0.0.1:9/hook',
        email: ['lead@example.com'],
        rules: {
          'fcr-low': { kind: 'threshold', metric: 'fcr_rate', below: '75%' },
          'slow-email': { kind: 'threshold', metric: 'first_response_s', above: '8h', channel: 'email' },
          'fcr-target': { kind: 'target_missed', metric: 'fcr_rate' },
          topics: { kind: 'emerging_topic' },
          storm: { kind: 'sla_breaches', above: 20 },
        },
      },
    });
    const rules = config.alerts!.rules;
    expect(rules['fcr-low']).toMatchObject({ kind: 'threshold', metric: 'fcr_rate', below: 0.75, above: undefined });
    expect(rules['slow-email']).toMatchObject({ above: 28800, channel: 'email' });
    expect(rules['fcr-target']).toMatchObject({ periods: 2 });
    expect(rules['storm']).toMatchObject({ kind: 'sla_breaches', above: 20 });
    expect(config.alerts!.email).toEqual(['lead@example.com']);
  });

  it('names the key and the fix for each problem', () => {
    expect(problem({ alerts: { rules: { x: { kind: 'threshold', metric: 'fcr_rate' } } } })).toBe(
      'parley.config.yaml: alerts.rules.x.above: a threshold rule takes one of above: or below: (the value that fires it)',
    );
    expect(problem({ alerts: { rules: { x: { kind: 'sla_breaches' } } } })).toMatch(/alerts\.rules\.x\.above: a sla_breaches rule needs above/);
    expect(problem({ alerts: { rules: { x: { kind: 'emerging_topic', metric: 'fcr_rate' } } } })).toMatch(/alerts\.rules\.x\.metric: a emerging_topic rule does not take metric/);
    expect(problem({ alerts: { rules: { x: { kind: 'threshold', metric: 'first_response_s', above: 60 } } } })).toMatch(
      /alerts\.rules\.x\.above: first_response_s is a duration: write above as "4h"/,
    );
    expect(problem({ alerts: { email: ['nobody'] } })).toBe('parley.config.yaml: alerts.email.0: write an e-mail address, such as ana@example.com');
  });
});
