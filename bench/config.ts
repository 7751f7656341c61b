// The parley.config.yaml the build benchmarks use (bench/ingest.ts, bench/build.ts).

/**
 * A configuration as a team would write it (parley.config.yaml; JSON is YAML):
 * the default schedule in Berlin and one for the Americas team, and three SLA
 * policies, one of them on business hours, that between them cover every
 * conversation of the demo data.
 */
export const BENCH_CONFIG = {
  timezone: 'Europe/Berlin',
  business_hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, ['08:00-12:30', '13:30-18:00']])),
  holidays: ['2026-10-03', '2026-12-25', '2026-12-26'],
  schedules: {
    americas: {
      timezone: 'America/New_York',
      business_hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, ['09:00-17:00']])),
      holidays: ['2026-11-26', '2026-12-25'],
    },
  },
  team_schedules: { 'Tier 1 Americas': 'americas' },
  sla_policies: [
    {
      name: 'urgent chat',
      when: { channel: ['webchat', 'whatsapp', 'in_app'], priority: ['urgent', 'high'] },
      targets: { first_response: '2m', next_response: '5m', resolution: '4h' },
    },
    { name: 'email', when: { channel: 'email' }, hours: 'business', targets: { first_response: '4h', next_response: '8h', resolution: '24h' } },
    { name: 'standard', targets: { first_response: '15m', next_response: '30m', resolution: '2d' } },
  ],
};
