import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { explainRecord, parseTimestamp } from './canonical-schema.js';
import { goodConversation } from '../testing/records.js';
import { testWarehouse } from '../testing/warehouse.js';

describe('parseTimestamp', () => {
  it('reads offsets and Z, and a timestamp without an offset as UTC', () => {
    expect(parseTimestamp('2026-10-04T11:15:00+02:00')?.toISOString()).toBe('2026-10-04T09:15:00.000Z');
    expect(parseTimestamp('2026-10-04T11:15:00-0500')?.toISOString()).toBe('2026-10-04T16:15:00.000Z');
    expect(parseTimestamp('2026-10-04T09:15Z')?.toISOString()).toBe('2026-10-04T09:15:00.000Z');
    expect(parseTimestamp('2026-10-04T09:15:00')?.toISOString()).toBe('2026-10-04T09:15:00.000Z');
  });

  it('refuses anything that is not ISO 8601', () => {
    for (const bad of ['2026-10-04 09:15:00', '04/10/2026', '2026-13-04T09:15:00Z', 'yesterday', '1791112500']) {
      expect(parseTimestamp(bad), bad).toBeUndefined();
    }
  });
});

describe('the bulk SQL checks and the zod contract agree', () => {
  const m0 = (goodConversation('x')['messages'] as object[])[0] as Record<string, unknown>;
  const records: object[] = [
    goodConversation('ok'),
    goodConversation('no-offset', { created_at: '2026-10-04T09:00:00' }),
    goodConversation('bad-ts', { created_at: '2026-10-04 09:00:00' }),
    goodConversation('empty-id', { id: '' }),
    goodConversation('customer-string', { customer: 'cus_1' }),
    goodConversation('messages-object', { messages: {} }),
    goodConversation('events-only', { messages: [], events: [{ at: '2026-10-04T09:10:00Z', type: 'status', status: 'open' }] }),
    goodConversation('empty-body', { messages: [{ ...m0, body: '' }] }),
    goodConversation('attachment-only', { messages: [{ ...m0, body: '', attachments: 2 }] }),
    goodConversation('internal-yes', { messages: [{ ...m0, internal: 'yes' }] }),
    goodConversation('bad-event-type', { events: [{ at: '2026-10-04T09:10:00Z', type: 'merge' }] }),
    goodConversation('escalate', { events: [{ at: '2026-10-04T09:10:00Z', type: 'escalate', team: 'Tier 2' }] }),
    goodConversation('survey-kind', { surveys: [{ at: '2026-10-04T10:00:00Z', kind: 'nps', score: 11 }] }),
    goodConversation('survey-scale', { surveys: [{ at: '2026-10-04T10:00:00Z', kind: 'csat', score: 9, scale: [0, 10] }] }),
    goodConversation('survey-bad-scale', { surveys: [{ at: '2026-10-04T10:00:00Z', kind: 'csat', score: 3, scale: [5, 1] }] }),
    goodConversation('no-role', { messages: [{ ...m0, author: {} }] }),
    goodConversation('no-author', { messages: [{ ...m0, author: undefined }] }),
    goodConversation('bad-priority', { priority: 'P1' }),
    goodConversation('good-priority', { priority: 'urgent' }),
    goodConversation('Channel-Caps', { channel: 'WebChat' }),
    goodConversation('message-channel', { messages: [{ ...m0, channel: 'E-mail' }] }),
    goodConversation('dup-ids', { messages: [m0, { ...m0 }] }),
    goodConversation('metadata-string', { metadata: 'x' }),
    goodConversation('metadata-object', { metadata: { plan: 'pro' } }),
  ];

  it('a record is quarantined exactly when the zod schema finds a problem in it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-agree-'));
    const file = path.join(dir, 'all.jsonl');
    writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const now = new Date('2026-11-01T00:00:00Z');
    const { db } = await testWarehouse({ files: [file], now });
    try {
      const refused = new Set((await db.all<{ line: number }>('select line from quarantine')).map((r) => r.line));
      const verdicts = records.map((r, i) => ({
        id: (r as { id: string }).id,
        sql: refused.has(i + 1),
        zod: explainRecord(JSON.stringify(r), now) !== undefined,
      }));
      expect(verdicts.filter((v) => v.sql !== v.zod)).toEqual([]);
      expect(verdicts.filter((v) => v.sql).map((v) => v.id)).toEqual([
        'bad-ts',
        '',
        'customer-string',
        'messages-object',
        'empty-body',
        'internal-yes',
        'bad-event-type',
        'survey-kind',
        'survey-bad-scale',
        'no-role',
        'no-author',
        'bad-priority',
        'Channel-Caps',
        'message-channel',
        'dup-ids',
        'metadata-string',
      ]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
