import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { saveUpload } from './control.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('an upload', () => {
  it('is saved in a folder of its own, under its name made safe, never over another', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-upload-'));
    const now = new Date('2026-10-05T09:00:00.250Z');
    const a = saveUpload(dir, '../../etc/ticket comments.csv', Buffer.from('a'), now);
    expect(path.relative(dir, a)).toBe(path.join('2026-10-05T09-00-00Z', 'ticket_comments.csv'));
    const b = saveUpload(dir, 'ticket comments.csv', Buffer.from('b'), now);
    expect(path.basename(b)).toBe('1-ticket_comments.csv');
    expect(path.basename(saveUpload(dir, '.hidden.jsonl', Buffer.from('c'), now))).toBe('hidden.jsonl');
    expect(readFileSync(a, 'utf8')).toBe('a');
  });
});
