/**
 * Credentials from the environment or the configured file, never echoed:
 * a missing one names its variable, a broken file line names the line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCredentials } from './credentials.js';

const dir = mkdtempSync(path.join(tmpdir(), 'parley-cred-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('readCredentials', () => {
  it('reads the environment, then the file; the environment wins', () => {
    const f = file('zendesk.env', '# Zendesk\nexport ZENDESK_EMAIL = "ops@acme.example"\n\nZENDESK_TOKEN=file-token\n');
    expect(readCredentials(['ZENDESK_EMAIL', 'ZENDESK_TOKEN'], { env: {}, file: f })).toEqual({ ZENDESK_EMAIL: 'ops@acme.example', ZENDESK_TOKEN: 'file-token' });
    expect(readCredentials(['ZENDESK_EMAIL', 'ZENDESK_TOKEN'], { env: { ZENDESK_TOKEN: 'env-token' }, file: f })).toEqual({
      ZENDESK_EMAIL: 'ops@acme.example',
      ZENDESK_TOKEN: 'env-token',
    });
    expect(readCredentials(['ZENDESK_TOKEN'], { env: { ZENDESK_TOKEN: 't' } }, ['ZENDESK_SUBDOMAIN'])).toEqual({ ZENDESK_TOKEN: 't' });
  });

  it('names a missing variable and where it may be set', () => {
    expect(() => readCredentials(['ZENDESK_TOKEN'], { env: { ZENDESK_TOKEN: ' ' } })).toThrow(
      'ZENDESK_TOKEN is not set: export it in the environment of parley, or name a file holding it with credentials_file: under the sync in parley.config.yaml (never on the command line)',
    );
    const f = file('partial.env', 'ZENDESK_EMAIL=ops@acme.example\n');
    expect(() => readCredentials(['ZENDESK_EMAIL', 'ZENDESK_TOKEN'], { env: {}, file: f })).toThrow(
      `ZENDESK_TOKEN is not set: export it in the environment of parley, or add a line ZENDESK_TOKEN=… to ${f} (never on the command line)`,
    );
  });

  it('refuses a missing file and a line that is not NAME=value, without showing the line', () => {
    expect(() => readCredentials(['X'], { env: {}, file: path.join(dir, 'nope.env') })).toThrow(
      /the credentials file .*nope\.env does not exist: check credentials_file: in parley.config.yaml/,
    );
    const f = file('bad.env', 'ZENDESK_TOKEN=ok\nsecret-token-without-a-name\n');
    let message = '';
    try {
      readCredentials(['ZENDESK_TOKEN'], { env: {}, file: f });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(`${f} line 2 is not NAME=value: write one variable a line, such as ZENDESK_TOKEN=…`);
    expect(message).not.toContain('secret-token');
  });
});
