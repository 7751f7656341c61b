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
