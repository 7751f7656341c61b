/**
 * The rows of issue 20, item 1, at full size: a CSV row of 31 MB or 50 MB is
 * quarantined (line, size, reason) in every CSV adapter, never dropped and
 * never mistaken for another row. Slow (the files are written to a temp
 * folder and read twice): `npm run test:slow`, which `.ci/run` also runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixture } from '../../testing/paths.js';
import { testWarehouse } from '../../testing/warehouse.js';
import type { Adapter } from './types.js';
import { twcsAdapter } from './twcs.js';
import { zendeskTablesAdapter } from './zendesk-tables.js';
import { mappingAdapter } from './mapping.js';
import { servicenowAdapter } from './servicenow.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-csv-large-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const big = (mb: number) => 'w'.repeat(mb * 2 ** 20);

interface Case {
  name: string;
  adapter: Adapter;
  /** Writes the export with a field of `mb` MB; returns what to load, the big row's file label and line, and the rows of the file. */
  write: (mb: number) => { files: string[]; mapping?: string; label: string; line: number; rows: number };
}

const cases: Case[] = [
  {
    name: 'twcs (tweet 150 of 300)',
    adapter: twcsAdapter,
    write: (mb) => {
      const rows = ['tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id'];
      for (let i = 1; i <= 300; i++) rows.push(`${i},c${i},True,Tue Oct 31 22:10:47 +0000 2017,"${i === 150 ? big(mb) : `@acme help ${i}`}",,`);
      const file = path.join(dir, `twcs-${mb}.csv`);
      writeFileSync(file, rows.join('\n') + '\n');
      return { files: [file], label: path.basename(file), line: 151, rows: 300 };
    },
  },
  {
    name: 'Zendesk tables (a comment of ticket 1)',
    adapter: zendeskTablesAdapter,
    write: (mb) => {
      const folder = path.join(dir, `zendesk-${mb}`);
      cpSync(fixture('zendesk-tables'), folder, { recursive: true });
      const comments = path.join(folder, 'ticket_comment.csv');
      const text = readFileSync(comments, 'utf8').trimEnd().split('\n');
      writeFileSync(comments, [...text, `599,2026-01-05 09:20:00,1,100,TRUE,"${big(mb)}"`].join('\n') + '\n');
      return { files: [folder], label: 'ticket_comment.csv', line: text.length + 1, rows: text.length };
    },
  },
  {
    name: 'mapping (row 140 of 280)',
    adapter: mappingAdapter,
    write: (mb) => {
      const rows = ['ticket,when,who,text,state'];
      for (let i = 1; i <= 280; i++)
        rows.push(`T${Math.ceil(i / 2)},2026-10-05T08:${String(i % 60).padStart(2, '0')}:00Z,${i % 2 ? 'requester' : 'staff'},"${i === 140 ? big(mb) : `message ${i}`}",`);
      const file = path.join(dir, `mapping-${mb}.csv`);
      writeFileSync(file, rows.join('\n') + '\n');
      return { files: [file], mapping: fixture('mapping-bad.yaml'), label: path.basename(file), line: 141, rows: 280 };
    },
  },
  {
    name: 'ServiceNow (update 5 of 9)',
    adapter: servicenowAdapter,
    write: (mb) => {
      const rows = [
        'number,incident_state,reassignment_count,reopen_count,sys_mod_count,caller_id,opened_at,sys_updated_at,contact_type,priority,assignment_group,assigned_to,resolved_at',
      ];
      for (let i = 0; i < 9; i++) {
        rows.push(`INC1,Active,0,0,${i},"${i === 4 ? big(mb) : 'Caller 1'}",1/3/2016 09:00,1/3/2016 09:${String(10 + i)},Phone,3 - Moderate,Group 1,Resolver 7,?`);
      }
      const file = path.join(dir, `servicenow-${mb}.csv`);
      writeFileSync(file, rows.join('\n') + '\n');
      return { files: [file], label: path.basename(file), line: 6, rows: 9 };
    },
  },
];

describe.each(cases)('$name', ({ adapter, write }) => {
  it.each([31, 50])('a row of %i MB is quarantined with its line and size, and no other row is lost', async (mb) => {
    const c = write(mb);
    const w = await testWarehouse({ adapter, files: c.files, ...(c.mapping ? { mapping: c.mapping } : {}) });
    try {
      const q = await w.db.all<{ line: number; reason: string; n: number }>('select line, reason, length(raw) as n from quarantine where reason like $1', [
        `%the row is ${mb}.0 MB long%`,
      ]);
      expect(q).toHaveLength(1);
      expect(q[0]!.reason).toMatch(new RegExp(`^${c.label.replace('.', '\\.')} line ${c.line}: the row is ${mb}\\.0 MB long, more than the 2\\.0 MB a CSV row may have`));
      expect(q[0]!.n).toBe(64 * 1024);
      expect(w.load.read).toBe(w.load.loaded + w.load.quarantined);
    } finally {
      w.close();
    }
  });
});
