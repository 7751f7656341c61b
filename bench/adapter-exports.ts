/**
 * Generated exports for `npm run bench:adapters`: one per adapter, each
 * with about `messages` messages (ServiceNow: audit rows), written
 * streaming so that generating a large export needs little memory.
 * Deterministic: the same size gives the same files.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';

type Writer = { line(s: string): Promise<void>; end(): Promise<void> };

function writer(file: string): Writer {
  mkdirSync(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  let buffer: string[] = [];
  const flush = async () => {
    if (!buffer.length) return;
    if (!out.write(buffer.join(''))) await once(out, 'drain');
    buffer = [];
  };
  return {
    async line(s) {
      buffer.push(s + '\n');
      if (buffer.length >= 5000) await flush();
    },
    async end() {
      await flush();
      out.end();
      await once(out, 'finish');
    },
  };
}

// far enough back that even a 4x export (1M Twitter threads, one every 37 s) ends before today:
// the loader refuses anything dated more than a day after the load
const BASE = Date.parse('2024-06-03T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const plain = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const unix = (ms: number) => Math.floor(ms / 1000);
const body = (i: number, k: number) => `message ${k} about order ${i}: the parcel has not arrived, could you check the tracking number please`;
const csv = (v: string | number) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));
const row = (...vs: (string | number)[]) => vs.map(csv).join(',');

export async function twcs(file: string, messages: number): Promise<void> {
  const w = writer(file);
  await w.line(',tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id');
  const fmt = (ms: number) => {
    const d = new Date(ms);
    const s = d.toUTCString(); // "Mon, 02 Mar 2026 08:00:00 GMT"
    const [, dd, mon, yyyy, time] = /^\w+, (\d+) (\w+) (\d+) ([\d:]+)/.exec(s)!;
    return `${s.slice(0, 3)} ${mon} ${dd} ${time} +0000 ${yyyy}`;
  };
  let id = 0;
  for (let t = 0; id < messages; t++) {
    const start = BASE + t * 37_000;
    for (let k = 0; k < 4 && id < messages; k++) {
      id++;
      const inbound = k % 2 === 0;
      await w.line(
        row(
          id - 1,
          id,
          inbound ? `${100000 + (t % 50000)}` : 'acmecare',
          inbound ? 'True' : 'False',
          fmt(start + k * 240_000),
          `@x ${body(t, k)}`,
          '',
          k === 0 ? '' : `${id - 1}.0`,
        ),
      );
    }
  }
  await w.end();
}

const SN_STATES = ['New', 'Active', 'Awaiting User Info', 'Active', 'Resolved', 'Closed'];

export async function servicenow(file: string, rows: number): Promise<void> {
  const w = writer(file);
  await w.line(
    'number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,caller_id,opened_at,sys_updated_at,contact_type,priority,assignment_group,assigned_to,category,resolved_at',
  );
  const dmy = (ms: number) => {
    const d = new Date(ms);
    return `${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  };
  let n = 0;
  for (let i = 0; n < rows; i++) {
    const start = BASE + i * 60_000;
    for (let k = 0; k < SN_STATES.length && n < rows; k++, n++) {
      await w.line(
        row(
          `INC${String(i).padStart(8, '0')}`,
          SN_STATES[k]!,
          k < 5 ? 'true' : 'false',
          k >= 3 ? 1 : 0,
          0,
          k,
          `Caller ${i % 9000}`,
          dmy(start),
          dmy(start + k * 1_800_000),
          'Phone',
          '3 - Moderate',
          k >= 3 ? `Group ${i % 40}` : `Group ${(i + 1) % 40}`,
          `Resolver ${i % 300}`,
          `Category ${i % 50}`,
          dmy(start + 4 * 1_800_000),
        ),
      );
    }
  }
  await w.end();
}

export async function mapping(file: string, messages: number): Promise<void> {
  const w = writer(file);
  await w.line('ticket_id,id,created_at,incoming,user_id,requester_id,body_text,private,source,status,responder_id,group_name,subject,priority_name');
  for (let m = 0; m < messages; m++) {
    const t = Math.floor(m / 5);
    const k = m % 5;
    const incoming = k % 2 === 0;
    await w.line(
      row(
        t,
        m,
        iso(BASE + t * 30_000 + k * 600_000),
        incoming ? 'true' : 'false',
        incoming ? `u${t % 20000}` : `a${t % 200}`,
        `u${t % 20000}`,
        body(t, k),
        'false',
        1,
        k === 4 ? 4 : 2,
        `a${t % 200}`,
        'Support',
        `Order ${t}`,
        'Medium',
      ),
    );
  }
  await w.end();
}

export async function zendeskTables(dir: string, messages: number): Promise<void> {
  const tickets = Math.ceil(messages / 10);
  const tw = writer(path.join(dir, 'ticket.csv'));
  const cw = writer(path.join(dir, 'ticket_comment.csv'));
  const hw = writer(path.join(dir, 'ticket_field_history.csv'));
  const uw = writer(path.join(dir, 'user.csv'));
  await tw.line('id,created_at,updated_at,requester_id,status,subject,priority,via_channel,group_id,assignee_id');
  await cw.line('id,created,ticket_id,user_id,public,body');
  await hw.line('field_name,ticket_id,updated,value');
  await uw.line('id,name,role');
  for (let u = 0; u < 20000; u++) await uw.line(row(`${u}`, `Customer ${u}`, 'end-user'));
  for (let a = 0; a < 200; a++) await uw.line(row(`${100000 + a}`, `Agent ${a}`, 'agent'));
  let m = 0;
  for (let t = 0; t < tickets; t++) {
    const start = BASE + t * 30_000;
    const agent = 100000 + (t % 200);
    await tw.line(row(t, plain(start), plain(start + 9 * 600_000), t % 20000, 'solved', `Order ${t}`, 'normal', 'web', 10 + (t % 5), agent));
    for (let k = 0; k < 10 && m < messages; k++, m++) {
      await cw.line(row(m, plain(start + k * 600_000), t, k % 2 === 0 ? t % 20000 : agent, k === 5 ? 'FALSE' : 'TRUE', body(t, k)));
    }
    await hw.line(row('status', t, plain(start), 'new'));
    await hw.line(row('assignee_id', t, plain(start + 60_000), agent));
    await hw.line(row('status', t, plain(start + 9 * 600_000), 'solved'));
  }
  await Promise.all([tw.end(), cw.end(), hw.end(), uw.end()]);
}

export async function zendeskApi(file: string, messages: number): Promise<void> {
  const w = writer(file);
  const users = (t: number, agent: number) => [
    { id: t % 20000, role: 'end-user', name: `Customer ${t % 20000}` },
    { id: agent, role: 'agent', name: `Agent ${agent}` },
  ];
  for (let t = 0, m = 0; m < messages; t++) {
    const start = BASE + t * 30_000;
    const agent = 100000 + (t % 200);
    const audits = [];
    for (let k = 0; k < 10 && m < messages; k++, m++) {
      const events: object[] = [{ id: m * 10, type: 'Comment', body: body(t, k), public: k !== 5, author_id: k % 2 === 0 ? t % 20000 : agent }];
      if (k === 0) events.push({ id: m * 10 + 1, type: 'Create', field_name: 'status', value: 'new' });
      if (k === 1) events.push({ id: m * 10 + 1, type: 'Change', field_name: 'assignee_id', value: String(agent) });
      if (k === 9) events.push({ id: m * 10 + 1, type: 'Change', field_name: 'status', value: 'solved' });
      audits.push({ id: m, created_at: iso(start + k * 600_000), author_id: k % 2 === 0 ? t % 20000 : agent, via: { channel: 'web' }, events });
    }
    await w.line(
      JSON.stringify({
        id: t,
        created_at: iso(start),
        updated_at: iso(start + 9 * 600_000),
        status: 'solved',
        requester_id: t % 20000,
        subject: `Order ${t}`,
        priority: 'normal',
        via: { channel: 'web' },
        tags: [],
        audits,
        users: users(t, agent),
      }),
    );
  }
  await w.end();
}

export async function intercomApi(file: string, messages: number): Promise<void> {
  const w = writer(file);
  for (let c = 0, m = 0; m < messages; c++) {
    const start = BASE + c * 30_000;
    const parts = [];
    for (let k = 1; k < 10 && m < messages; k++, m++) {
      const admin = k % 2 === 1;
      parts.push({
        id: `${c}-${k}`,
        part_type: k === 5 ? 'note' : 'comment',
        body: `<p>${body(c, k)}</p>`,
        created_at: unix(start + k * 600_000),
        author: { type: admin ? 'admin' : 'user', id: admin ? `a${c % 200}` : `u${c % 20000}` },
        assigned_to: null,
      });
    }
    parts.push({ id: `${c}-close`, part_type: 'close', body: null, created_at: unix(start + 10 * 600_000), author: { type: 'admin', id: `a${c % 200}` }, assigned_to: null });
    m++; // the source message
    await w.line(
      JSON.stringify({
        type: 'conversation',
        id: String(c),
        created_at: unix(start),
        updated_at: unix(start + 10 * 600_000),
        state: 'closed',
        source: { delivered_as: 'customer_initiated', body: `<p>${body(c, 0)}</p>`, author: { type: 'user', id: `u${c % 20000}` } },
        contacts: { contacts: [{ id: `u${c % 20000}` }] },
        conversation_parts: { conversation_parts: parts },
      }),
    );
  }
  await w.end();
}

export async function intercomTables(dir: string, messages: number): Promise<void> {
  const conversations = Math.ceil(messages / 10);
  const cw = writer(path.join(dir, 'conversation_history.csv'));
  const pw = writer(path.join(dir, 'conversation_part_history.csv'));
  await cw.line('id,updated_at,created_at,state,source_author_id,source_author_type,source_body,source_delivered_as');
  await pw.line('id,updated_at,conversation_id,created_at,part_type,author_type,author_id,body,assigned_to_id,assigned_to_type');
  let m = 0;
  for (let c = 0; c < conversations; c++) {
    const start = BASE + c * 30_000;
    await cw.line(row(c, plain(start + 10 * 600_000), plain(start), 'closed', `u${c % 20000}`, 'user', body(c, 0), 'customer_initiated'));
    m++;
    for (let k = 1; k < 10 && m < messages; k++, m++) {
      const admin = k % 2 === 1;
      await pw.line(
        row(
          `${c}-${k}`,
          plain(start + k * 600_000),
          c,
          plain(start + k * 600_000),
          k === 5 ? 'note' : 'comment',
          admin ? 'admin' : 'user',
          admin ? `a${c % 200}` : `u${c % 20000}`,
          body(c, k),
          '',
          '',
        ),
      );
    }
    await pw.line(row(`${c}-close`, plain(start + 10 * 600_000), c, plain(start + 10 * 600_000), 'close', 'admin', `a${c % 200}`, '', '', ''));
  }
  await Promise.all([cw.end(), pw.end()]);
}

export async function chatwoot(file: string, messages: number): Promise<void> {
  const w = writer(file);
  for (let c = 0, m = 0; m < messages; c++) {
    const start = BASE + c * 30_000;
    const msgs = [];
    for (let k = 0; k < 9 && m < messages; k++, m++) {
      const incoming = k % 2 === 0;
      msgs.push({
        id: m,
        content: body(c, k),
        message_type: incoming ? 0 : 1,
        created_at: unix(start + k * 600_000),
        private: k === 5,
        sender_type: incoming ? 'Contact' : 'User',
        sender_id: incoming ? c % 20000 : 100000 + (c % 200),
        sender: { id: incoming ? c % 20000 : 100000 + (c % 200), name: incoming ? `Customer ${c % 20000}` : `Agent ${c % 200}` },
      });
    }
    if (m < messages) {
      msgs.push({
        id: m,
        content: `Conversation was marked resolved by Agent ${c % 200}`,
        message_type: 2,
        created_at: unix(start + 9 * 600_000),
        private: false,
        sender_type: null,
      });
      m++;
    }
    await w.line(
      JSON.stringify({ id: c, inbox_id: 1, status: 'resolved', created_at: unix(start), meta: { sender: { id: c % 20000 }, channel: 'Channel::WebWidget' }, messages: msgs }),
    );
  }
  await w.end();
}
