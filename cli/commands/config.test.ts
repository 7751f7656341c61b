import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parley } from '../../testing/cli.js';
import { sharedData } from '../../testing/paths.js';
import { parseConfig } from '../../models/config.js';

const policies = (out: string) => parseConfig(parseYaml(out), 'output').sla_policies;

describe('parley config from-zendesk', () => {
  it("turns the seed export's SLA policies into a block parseConfig accepts: the latest version of each, one policy per priority", async () => {
    const r = await parley('config', 'from-zendesk', sharedData('zendesk-seeds'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // 1001 was revised on 2020-06-01 with first reply times only (its next_reply_time rows are of the older version);
    // 1002 counts calendar hours; its requester_wait_time and "medium" rows have no Parley counterpart
    const b = (name: string, priority: string, first: string) => ({ name, when: { priority }, hours: 'business', targets: { first_response: first } });
    const c = (name: string, priority: string, first: string) => ({ name, when: { priority }, hours: 'calendar', targets: { first_response: first } });
    expect(policies(r.out)).toEqual([
      b('zendesk 1001 urgent', 'urgent', '45m'),
      b('zendesk 1001 high', 'high', '3h'),
      b('zendesk 1001 normal', 'normal', '6h'),
      b('zendesk 1001 low', 'low', '24h'),
      c('zendesk 1002 urgent', 'urgent', '2h'),
      c('zendesk 1002 high', 'high', '8h'),
      c('zendesk 1002 normal', 'normal', '16h'),
      c('zendesk 1002 low', 'low', '48h'),
    ]);
    expect(r.out).toContain('# Zendesk policy 1001, version of 2020-06-01, applied to 7 tickets');
    expect(r.out).toContain('# not carried over: requester_wait_time (Parley has no such target); priority medium (not a Zendesk priority: low, normal, high, urgent)');
  });

  it('names policies by their title, maps next reply and total resolution, and splits a policy that mixes business and calendar hours', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-zendesk-sla-'));
    writeFileSync(
      path.join(dir, 'sla_policy_metric_history.csv'),
      [
        'sla_policy_id,index,sla_policy_updated_at,business_hours,metric,priority,target',
        '7,0,2026-01-01 00:00:00,TRUE,first_reply_time,Urgent,90',
        '7,1,2026-01-01 00:00:00,TRUE,next_reply_time,urgent,30',
        '7,2,2026-01-01 00:00:00,FALSE,total_resolution_time,urgent,2880',
      ].join('\n') + '\n',
    );
    writeFileSync(path.join(dir, 'sla_policy_history.csv'), 'id,updated_at,title\n7,2025-01-01 00:00:00,Old name\n7,2026-01-01 00:00:00,VIP\n');
    const r = await parley('config', 'from-zendesk', dir);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(0);
    expect(policies(r.out)).toEqual([
      { name: 'zendesk VIP urgent business hours', when: { priority: 'urgent' }, hours: 'business', targets: { first_response: '90m', next_response: '30m' } },
      { name: 'zendesk VIP urgent calendar hours', when: { priority: 'urgent' }, hours: 'calendar', targets: { resolution: '48h' } },
    ]);
  });

  it('refuses a folder without sla_policy_metric_history, saying what to point at', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-zendesk-sla-'));
    const r = await parley('config', 'from-zendesk', dir);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('no sla_policy_metric_history table');
    expect(r.out).toBe('');
  });
});
