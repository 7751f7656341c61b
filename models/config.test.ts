import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, parseConfig } from './config.js';

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
    expect(problem({ a: { kind: 'rebuild', at: '02:00' } })).toBe('parley.config.yaml: jobs.a.kind: kind must be one of load, build, insights, notebook');
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
