import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { webhookSettings } from './config-webhooks.js';

describe('the webhooks and live sections', () => {
  it('read each secret from its environment variable or a file beside the configuration', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-hooks-'));
    try {
      writeFileSync(path.join(dir, 'ic.txt'), 'from-file\n');
      const config = parseConfig({ webhooks: { zendesk: { secret_env: 'ZD', source: 'zendesk-eu', tolerance: '90s' }, intercom: { secret_file: 'ic.txt' } } });
      const s = webhookSettings(config.webhooks, { ZD: 'zd-secret', PARLEY_CHATWOOT_WEBHOOK_SECRET: 'cw' }, dir);
      expect(s.zendesk).toEqual({ source: 'zendesk-eu', secret: 'zd-secret', toleranceS: 90 });
      expect(s.intercom).toEqual({ source: 'intercom', secret: 'from-file', toleranceS: 300 });
      // no section: the default variable
      expect(s.chatwoot).toEqual({ source: 'chatwoot', secret: 'cw', toleranceS: 300 });
      expect(webhookSettings(undefined, {}).zendesk.secret).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuse a secret written into the file, both sources of a secret, and a bad limit', () => {
    expect(() => parseConfig({ webhooks: { zendesk: { secret: 'x' } } })).toThrow('configuration: webhooks.zendesk: "secret" is not a setting here: check the spelling');
    expect(() => parseConfig({ webhooks: { zendesk: { secret_env: 'A', secret_file: 'b' } } })).toThrow('give secret_env or secret_file, not both');
    expect(() => parseConfig({ live: { concurrency: 0 } })).toThrow('configuration: live.concurrency: a concurrency limit is at least 1');
    expect(parseConfig({ live: { teams: { Billing: 5 } } }).live).toEqual({ concurrency: 3, teams: { Billing: 5 } });
  });
});
