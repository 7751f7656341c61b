/**
 * The demo organisation's service levels: what `parley demo` builds with
 * when parley.config.yaml sets no SLA policies and no schedules, so that the
 * SLA page and tiles have something to show. The same block is in
 * tests/e2e/fixtures/parley.config.yaml (the browser tests' build).
 *
 * @example
 *   const config = withDemoSla(loadConfig()); // the demo's policies unless the file has its own
 */
import { parseConfig, type ConfigInput, type ParleyConfig } from '../models/config.js';

/** Two schedules (the default UTC one, and the Americas team's in New York) and five policies, first match wins. */
export const DEMO_SLA: ConfigInput = {
  schedules: {
    americas: {
      timezone: 'America/New_York',
      business_hours: { mon: ['08:00-18:00'], tue: ['08:00-18:00'], wed: ['08:00-18:00'], thu: ['08:00-18:00'], fri: ['08:00-18:00'] },
      holidays: ['2026-07-03', '2026-11-26', '2026-12-25'],
    },
  },
  team_schedules: { 'Tier 1 Americas': 'americas' },
  // targets the demo's teams mostly meet (webchat answers in about 5 minutes at the 80th percentile,
  // WhatsApp and in-app in under an hour, email within a working day)
  sla_policies: [
    { name: 'urgent', when: { priority: 'urgent' }, targets: { first_response: '15m', next_response: '30m', resolution: '8h' } },
    { name: 'enterprise email', when: { channel: 'email', segment: 'enterprise' }, hours: 'business', targets: { first_response: '4h', resolution: '16h' } },
    { name: 'email', when: { channel: 'email' }, hours: 'business', targets: { first_response: '8h', resolution: '40h' } },
    { name: 'live chat', when: { channel: 'webchat' }, targets: { first_response: '5m', next_response: '10m', resolution: '4h' } },
    { name: 'messaging', when: { channel: ['whatsapp', 'in_app', 'sms'] }, targets: { first_response: '1h', next_response: '2h', resolution: '1d' } },
  ],
};

/** `config` with the demo's schedules and SLA policies when it has neither (a file's own settings win). */
export function withDemoSla(config: ParleyConfig): ParleyConfig {
  if (config.sla_policies.length || Object.keys(config.schedules).length) return config;
  const demo = parseConfig(DEMO_SLA, 'the demo SLA configuration');
  return { ...config, schedules: demo.schedules, team_schedules: demo.team_schedules, sla_policies: demo.sla_policies };
}
