import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, parseConfig, targetSeconds } from './config.js';

describe('the configuration file', () => {
  it('defaults to UTC and Monday to Friday 09:00–17:00', () => {
    const config = parseConfig({});
    expect(config.timezone).toBe('UTC');
    expect(config.business_hours.mon).toEqual(['09:00-17:00']);
    expect(config.business_hours.sat).toBeUndefined();
    expect(config.holidays).toEqual([]);
  });

  it('names the field and the fix for each problem', () => {
    expect(() => parseConfig({ timezone: 'Mars/Olympus' }, 'parley.config.yaml')).toThrow(
      'parley.config.yaml: timezone: is not an IANA time zone (for example "UTC" or "Europe/Berlin")',
    );
    expect(() => parseConfig({ business_hours: { mon: ['9-5'] } })).toThrow(/business_hours\.mon\.0: write a span as "09:00-17:00"/);
    expect(() => parseConfig({ business_hours: { mon: ['17:00-09:00'] } })).toThrow(/a span must end after it starts/);
    expect(() => parseConfig({ business_hours: { monday: ['09:00-17:00'] } })).toThrow(/business_hours/);
    expect(() => parseConfig({ holidays: ['25/12/2026'] })).toThrow(/holidays\.0: write holidays as YYYY-MM-DD/);
  });

  it('takes jobs with a schedule, and names the key and the fix for each problem in one line', () => {
    const config = parseConfig({
      jobs: {
        incoming: { kind: 'load', folder: 'exports/incoming', every: '15m', build: true },
        report: { kind: 'notebook', notebook: 'monthly-report', out: 'r.html', at: '06:00', timezone: 'Europe/Berlin', params: { month: '2026-10' } },
      },
    });
    expect(config.jobs['incoming']).toEqual({ kind: 'load', folder: 'exports/incoming', every: '15m', build: true });
    expect(config.uploads).toEqual({ max_size: '200MB' });
    expect(parseConfig({}).jobs).toEqual({});
    const problem = (jobs: unknown) => {
      try {
        parseConfig({ jobs }, 'parley.config.yaml');
      } catch (error) {
        return (error as Error).message;
      }
      return 'valid';
    };
    expect(problem({ a: { kind: 'build', every: '15' } })).toBe('parley.config.yaml: jobs.a.every: write every as a whole number and a unit: 15m, 1h or 1d');
    expect(problem({ a: { kind: 'build', every: '2d' } })).toBe('parley.config.yaml: jobs.a.every: every may be at most 1d (24h): for less often, use at: "HH:MM" (daily)');
    expect(problem({ a: { kind: 'build', at: '2:00' } })).toBe('parley.config.yaml: jobs.a.at: write at as "HH:MM" on the 24-hour clock, in quotes (for example at: "02:00")');
    expect(problem({ a: { kind: 'build' } })).toBe('parley.config.yaml: jobs.a.every: give every: (15m, 1h, 1d), at: "HH:MM", or both');
    expect(problem({ a: { kind: 'rebuild', at: '02:00' } })).toBe('parley.config.yaml: jobs.a.kind: kind must be one of load, build, insights, notebook, sync');
    expect(problem({ a: { kind: 'load', every: '1h' } })).toBe('parley.config.yaml: jobs.a.folder: a load job needs folder: the folder to watch for new export files');
    expect(problem({ a: { kind: 'build', at: '02:00', folder: 'x' } })).toBe('parley.config.yaml: jobs.a.folder: a build job does not take folder');
    expect(problem({ a: { kind: 'build', at: '02:00', evry: '1h' } })).toBe('parley.config.yaml: jobs.a: "evry" is not a setting here: check the spelling');
    expect(problem({ a: { kind: 'build', at: '02:00', timezone: 'Mars/Olympus' } })).toBe(
      'parley.config.yaml: jobs.a.timezone: is not an IANA time zone (for example "UTC" or "Europe/Berlin")',
    );
    expect(problem({ 'Nightly Build': { kind: 'build', at: '02:00' } })).toBe(
      'parley.config.yaml: jobs.Nightly Build: name a job in lowercase letters, digits, - and _ (for example nightly-build)',
    );
    expect(problem({ upload: { kind: 'build', at: '02:00' } })).toBe('parley.config.yaml: jobs.upload: the job name "upload" is taken by uploads from the Data page: pick another');
    expect(problem({ a: { kind: 'notebook', at: '02:00' } }).split('\n')).toEqual([
      'parley.config.yaml: jobs.a.notebook: a notebook job needs notebook: a notebook file or the name of a shipped one (parley notebook list)',
      'parley.config.yaml: jobs.a.out: a notebook job needs out: the HTML file to write',
    ]);
    expect(() => parseConfig({ uploads: { max_size: 'big' } })).toThrow('configuration: uploads.max_size: write max_size as a size such as 200MB or 1GB');
  });

  it('takes the version 2 keys: schedules, team_schedules, sla_policies and dimensions, with defaults', () => {
    const config = parseConfig({
      schedules: { apac: { timezone: 'Asia/Singapore', business_hours: { mon: ['09:00-18:00'] }, holidays: ['2026-10-20'] }, emea: {} },
      team_schedules: { 'Tier 1 APAC': 'apac' },
      sla_policies: [
        { name: 'urgent chat', when: { channel: ['webchat', 'whatsapp'], priority: 'urgent' }, targets: { first_response: '2m', next_response: '5m', resolution: '4h' } },
        { name: 'email', when: { channel: 'email' }, hours: 'business', targets: { first_response: '4h', resolution: '24h' } },
        { name: 'everything else', targets: { resolution: '3d' } },
      ],
      dimensions: ['plan', 'region'],
    });
    expect(config.schedules['emea']).toEqual({
      timezone: 'UTC',
      business_hours: { mon: ['09:00-17:00'], tue: ['09:00-17:00'], wed: ['09:00-17:00'], thu: ['09:00-17:00'], fri: ['09:00-17:00'] },
      holidays: [],
    });
    expect(config.sla_policies.map((p) => [p.name, p.hours, p.when])).toEqual([
      ['urgent chat', 'calendar', { channel: ['webchat', 'whatsapp'], priority: 'urgent' }],
      ['email', 'business', { channel: 'email' }],
      ['everything else', 'calendar', {}],
    ]);
    expect(targetSeconds('2m')).toBe(120);
    expect(targetSeconds('3d')).toBe(3 * 86400);
    // the v1 keys alone still make the same configuration, with nothing of version 2
    expect(parseConfig({ timezone: 'Europe/Berlin' })).toMatchObject({ timezone: 'Europe/Berlin', schedules: {}, team_schedules: {}, sla_policies: [], dimensions: [] });
  });

  it('names the key and the fix for each version 2 problem in one line', () => {
    const problem = (input: object) => {
      try {
        parseConfig(input, 'parley.config.yaml');
      } catch (error) {
        return (error as Error).message;
      }
      return 'valid';
    };
    const policy = (p: object) => ({ sla_policies: [{ name: 'email', targets: { first_response: '4h' }, ...p }] });
    expect(problem({ schedules: { apac: {} }, team_schedules: { 'Tier 1 APAC': 'apack' } })).toBe(
      'parley.config.yaml: team_schedules.Tier 1 APAC: "apack" is not a schedule: name one of apac, or add it under schedules',
    );
    expect(problem({ team_schedules: { Billing: 'emea' } })).toBe(
      'parley.config.yaml: team_schedules.Billing: "emea" is not a schedule: there are none, or add it under schedules',
    );
    expect(problem(policy({ hours: 'business', targets: { first_response: '4h', resolution: '1d' } }))).toBe(
      'parley.config.yaml: sla_policies.0.targets.resolution: policy "email" counts business hours: resolution: 1d in days is refused; say it in business hours (for example 8h), not "working days"',
    );
    expect(problem(policy({ when: { chanel: 'email' } }))).toBe(
      'parley.config.yaml: sla_policies.0.when.chanel: "chanel" is not a key of when: use channel, priority, team, intent, source, segment',
    );
    expect(problem(policy({ targets: { first_response: '4 hours' } }))).toBe(
      'parley.config.yaml: sla_policies.0.targets.first_response: write a target as a whole number and a unit (s, m, h or d): 2m, 4h',
    );
    expect(problem(policy({ targets: { first_reply: '4h' } }))).toBe('parley.config.yaml: sla_policies.0.targets: "first_reply" is not a setting here: check the spelling');
    expect(problem(policy({ targets: {} }))).toBe(
      'parley.config.yaml: sla_policies.0.targets: give at least one target: first_response, next_response or resolution (for example first_response: 4h)',
    );
    expect(problem(policy({ hours: 'office' }))).toBe("parley.config.yaml: sla_policies.0.hours: hours is calendar (the default) or business (the conversation's schedule)");
    expect(
      problem({
        sla_policies: [
          { name: 'a', targets: { resolution: '1h' } },
          { name: 'a', targets: { resolution: '2h' } },
        ],
      }),
    ).toBe('parley.config.yaml: sla_policies.1.name: "a" names an earlier policy too: give each policy its own name');
    expect(problem({ business_hours: { mon: ['09:00-13:00', '12:00-17:00'] } })).toBe(
      'parley.config.yaml: business_hours.mon.1: "12:00-17:00" overlaps "09:00-13:00": merge them into one span or move one',
    );
    expect(problem({ schedules: { apac: { business_hours: { tue: ['13:00-18:00', '09:00-13:30'] } } } })).toBe(
      'parley.config.yaml: schedules.apac.business_hours.tue.0: "13:00-18:00" overlaps "09:00-13:30": merge them into one span or move one',
    );
    expect(problem({ schedules: { apac: { business_hours: { mon: ['09:00-09:00'] } } } })).toBe(
      'parley.config.yaml: schedules.apac.business_hours.mon.0: a span must end after it starts',
    );
    expect(problem({ schedules: { default: {} } })).toBe(
      'parley.config.yaml: schedules.default: "default" is the schedule of the top-level timezone, business_hours and holidays: give this one another name',
    );
    expect(problem({ dimensions: ['plan tier'] })).toBe('parley.config.yaml: dimensions.0: name a dimension by its metadata key in letters, digits and _ (for example plan)');
    expect(problem({ dimensions: ['tag'] })).toBe('parley.config.yaml: dimensions.0: "tag" is a grouping already: a custom dimension needs another name');
  });

  it('reads YAML from a file, and says so in one line when the YAML is broken', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-config-'));
    try {
      const file = path.join(dir, 'parley.config.yaml');
      writeFileSync(file, 'timezone: Europe/Berlin\nbusiness_hours:\n  fri: ["09:00-12:30", "13:30-16:00"]\n');
      expect(loadConfig(file)).toMatchObject({ timezone: 'Europe/Berlin', business_hours: { fri: ['09:00-12:30', '13:30-16:00'] } });
      writeFileSync(file, 'timezone: [unclosed\n');
      expect(() => loadConfig(file)).toThrow(/parley.config.yaml is not valid YAML/);
      expect(() => loadConfig(path.join(dir, 'nope.yaml'))).toThrow(/does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
