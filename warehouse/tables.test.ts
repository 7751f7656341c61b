/**
 * The typed tables: the `Database` interface is the migrations column for
 * column (names and types, checked by tsc through `expectTypeOf`, and against
 * the migrated warehouse here), and Kysely queries made inside
 * `warehouse.transaction(...)` belong to that transaction.
 */
import { TEST_NOW } from '../testing/clock.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { openWarehouse, type Warehouse } from './connection.js';
import { migrate } from './migrate.js';
import { fromJson, tables, textArray, type Database } from './tables.js';

/** Every application table's columns with their DuckDB type, as information_schema reports them. */
const COLUMNS = {
  accounts: {
    username: 'VARCHAR',
    password_hash: 'VARCHAR',
    role: 'VARCHAR',
    agent_id: 'VARCHAR null',
    created_at: 'TIMESTAMP WITH TIME ZONE',
    disabled_at: 'TIMESTAMP WITH TIME ZONE null',
    demo: 'BOOLEAN null',
  },
  qa_review_drafts: {
    sample_id: 'VARCHAR',
    position: 'INTEGER',
    reviewer_id: 'VARCHAR',
    form: 'VARCHAR',
    saved_at: 'TIMESTAMP WITH TIME ZONE',
  },
  insight_intent_corrections: {
    source: 'VARCHAR',
    conversation_id: 'VARCHAR',
    intent: 'VARCHAR',
    corrected_by: 'VARCHAR null',
    corrected_at: 'TIMESTAMP WITH TIME ZONE',
    note: 'VARCHAR null',
  },
  insight_topic_curation: {
    action: 'VARCHAR',
    topic_key: 'VARCHAR null',
    target_key: 'VARCHAR null',
    term: 'VARCHAR null',
    name: 'VARCHAR null',
    curated_by: 'VARCHAR null',
    curated_at: 'TIMESTAMP WITH TIME ZONE',
  },
  qa_audit: {
    audit_id: 'VARCHAR',
    review_id: 'VARCHAR',
    dispute_id: 'VARCHAR null',
    field: 'VARCHAR',
    criterion_id: 'VARCHAR null',
    before_value: 'JSON null',
    after_value: 'JSON null',
    changed_by: 'VARCHAR',
    changed_at: 'TIMESTAMP WITH TIME ZONE',
  },
  qa_calibration_sessions: {
    session_id: 'VARCHAR',
    name: 'VARCHAR',
    rubric_id: 'VARCHAR',
    rubric_version: 'INTEGER',
    facilitator_id: 'VARCHAR',
    reviewers: 'VARCHAR[]',
    conversations: 'JSON',
    created_at: 'TIMESTAMP WITH TIME ZONE',
    closed_at: 'TIMESTAMP WITH TIME ZONE null',
  },
  qa_coaching: {
    coaching_id: 'VARCHAR',
    agent_id: 'VARCHAR',
    author_id: 'VARCHAR',
    kind: 'VARCHAR',
    body: 'VARCHAR',
    review_ids: 'VARCHAR[]',
    metrics: 'VARCHAR[]',
    session_at: 'TIMESTAMP WITH TIME ZONE null',
    created_at: 'TIMESTAMP WITH TIME ZONE',
    acknowledged_at: 'TIMESTAMP WITH TIME ZONE null',
  },
  qa_disputes: {
    dispute_id: 'VARCHAR',
    review_id: 'VARCHAR',
    agent_id: 'VARCHAR',
    criteria: 'VARCHAR[]',
    reason: 'VARCHAR',
    status: 'VARCHAR',
    filed_at: 'TIMESTAMP WITH TIME ZONE',
    resolved_by: 'VARCHAR null',
    resolved_at: 'TIMESTAMP WITH TIME ZONE null',
    resolution_note: 'VARCHAR null',
  },
  qa_review_criteria: {
    review_id: 'VARCHAR',
    criterion_id: 'VARCHAR',
    section_id: 'VARCHAR',
    position: 'INTEGER',
    rating: 'VARCHAR null',
    points: 'DOUBLE null',
    score: 'DOUBLE null',
    na: 'BOOLEAN',
    weight: 'DOUBLE',
    critical: 'BOOLEAN',
    failed: 'BOOLEAN',
    comment: 'VARCHAR null',
    root_causes: 'VARCHAR[]',
    autoqa_check: 'VARCHAR null',
  },
  qa_reviews: {
    review_id: 'VARCHAR',
    sample_id: 'VARCHAR null',
    session_id: 'VARCHAR null',
    kind: 'VARCHAR',
    source: 'VARCHAR',
    conversation_id: 'VARCHAR',
    agent_id: 'VARCHAR null',
    reviewer_id: 'VARCHAR',
    rubric_id: 'VARCHAR',
    rubric_version: 'INTEGER',
    qa_score: 'DOUBLE null',
    score_before_auto_fail: 'DOUBLE null',
    auto_failed: 'BOOLEAN',
    comment: 'VARCHAR null',
    time_spent_s: 'DOUBLE null',
    created_at: 'TIMESTAMP WITH TIME ZONE',
    updated_at: 'TIMESTAMP WITH TIME ZONE',
  },
  qa_rubrics: {
    rubric_id: 'VARCHAR',
    version: 'INTEGER',
    name: 'VARCHAR',
    definition: 'JSON',
    digest: 'VARCHAR',
    created_at: 'TIMESTAMP WITH TIME ZONE',
  },
  qa_sample_items: {
    sample_id: 'VARCHAR',
    position: 'INTEGER',
    source: 'VARCHAR',
    conversation_id: 'VARCHAR',
    agent_id: 'VARCHAR null',
    reviewer_id: 'VARCHAR null',
    tier: 'INTEGER',
    risk_weight: 'DOUBLE',
  },
  qa_samples: {
    sample_id: 'VARCHAR',
    name: 'VARCHAR',
    kind: 'VARCHAR',
    cycle: 'VARCHAR',
    seed: 'VARCHAR',
    rubric_id: 'VARCHAR',
    rubric_version: 'INTEGER',
    spec: 'JSON',
    created_by: 'VARCHAR null',
    created_at: 'TIMESTAMP WITH TIME ZONE',
  },
  load_log: {
    load_id: 'INTEGER',
    file: 'VARCHAR',
    format: 'VARCHAR',
    source: 'VARCHAR null',
    checksum: 'VARCHAR null',
    bytes: 'BIGINT null',
    read: 'INTEGER',
    loaded: 'INTEGER',
    quarantined: 'INTEGER',
    replaced: 'INTEGER',
    started_at: 'TIMESTAMP WITH TIME ZONE',
    duration_s: 'DOUBLE',
    problem: 'VARCHAR null',
  },
  warehouse_meta: {
    key: 'VARCHAR',
    value: 'VARCHAR null',
  },
  sessions: {
    token_hash: 'VARCHAR',
    username: 'VARCHAR',
    created_at: 'TIMESTAMP WITH TIME ZONE',
    expires_at: 'TIMESTAMP WITH TIME ZONE',
  },
  login_attempts: {
    attempted_at: 'TIMESTAMP WITH TIME ZONE',
    username: 'VARCHAR null',
    address: 'VARCHAR null',
    outcome: 'VARCHAR',
    actor: 'VARCHAR null',
  },
  job_log: {
    job_id: 'INTEGER',
    name: 'VARCHAR',
    kind: 'VARCHAR',
    started_at: 'TIMESTAMP WITH TIME ZONE',
    seconds: 'DOUBLE',
    status: 'VARCHAR',
    files: 'INTEGER',
    loaded: 'INTEGER',
    refused: 'INTEGER',
    detail: 'VARCHAR null',
    error: 'VARCHAR null',
  },
  alerts: {
    alert_key: 'VARCHAR',
    rule: 'VARCHAR',
    kind: 'VARCHAR',
    period: 'VARCHAR',
    title: 'VARCHAR',
    detail: 'VARCHAR',
    href: 'VARCHAR',
    fired_at: 'TIMESTAMP WITH TIME ZONE',
    webhook_sent_at: 'TIMESTAMP WITH TIME ZONE null',
    email_sent_at: 'TIMESTAMP WITH TIME ZONE null',
    send_error: 'VARCHAR null',
  },
  loaded_files: {
    checksum: 'VARCHAR',
    file: 'VARCHAR',
    job: 'VARCHAR',
    loaded_at: 'TIMESTAMP WITH TIME ZONE',
  },
  erasure_log: {
    erased_at: 'TIMESTAMP WITH TIME ZONE',
    subject_sha256: 'VARCHAR',
    source: 'VARCHAR null',
    conversations: 'INTEGER',
    messages: 'INTEGER',
    quarantined: 'INTEGER',
    reviews: 'INTEGER',
    rows_removed: 'INTEGER',
    erased_by: 'VARCHAR',
  },
  sync_state: {
    platform: 'VARCHAR',
    source: 'VARCHAR',
    cursor: 'VARCHAR null',
    position: 'BIGINT null',
    synced_at: 'TIMESTAMP WITH TIME ZONE',
    pages: 'INTEGER',
    records: 'INTEGER',
    last_error: 'VARCHAR null',
  },
  chart_annotations: {
    annotation_id: 'VARCHAR',
    day: 'VARCHAR',
    label: 'VARCHAR',
    kind: 'VARCHAR',
    team: 'VARCHAR null',
    channel: 'VARCHAR null',
    created_by: 'VARCHAR',
    created_at: 'TIMESTAMP WITH TIME ZONE',
  },
} as const;

/** The TypeScript type a DuckDB column type reads as. */
type TsOf<S> = S extends `${infer T} null`
  ? TsOf<T> | null
  : S extends 'VARCHAR' | 'JSON'
    ? string
    : S extends 'INTEGER' | 'BIGINT' | 'DOUBLE'
      ? number
      : S extends 'BOOLEAN'
        ? boolean
        : S extends 'TIMESTAMP WITH TIME ZONE'
          ? Date
          : S extends 'VARCHAR[]'
            ? string[]
            : never;

type FromColumns = { -readonly [T in keyof typeof COLUMNS]: { -readonly [C in keyof (typeof COLUMNS)[T]]: TsOf<(typeof COLUMNS)[T][C]> } };

let warehouse: Warehouse;

beforeAll(async () => {
  warehouse = await openWarehouse(':memory:');
  await migrate(warehouse, undefined, TEST_NOW);
});
afterAll(() => warehouse.close());
beforeEach(async () => {
  await warehouse.run('delete from accounts; delete from qa_disputes');
});

describe('the Database interface', () => {
  it('has the tables and column types of the migrations', async () => {
    expectTypeOf<Database>().toEqualTypeOf<FromColumns>();
    const rows = await warehouse.all<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      `select table_name, column_name, data_type, is_nullable from information_schema.columns
       where list_contains(cast($1 as json)::varchar[], table_name) order by table_name, ordinal_position`,
      [JSON.stringify(Object.keys(COLUMNS))],
    );
    const found: Record<string, Record<string, string>> = {};
    for (const r of rows) (found[r.table_name] ??= {})[r.column_name] = `${r.data_type}${r.is_nullable === 'YES' ? ' null' : ''}`;
    expect(found).toEqual(COLUMNS);
  });

  it('writes varchar[] and reads json back as values', async () => {
    const db = tables(warehouse);
    const filed_at = new Date('2026-10-01T10:00:00Z');
    await db
      .insertInto('qa_disputes')
      .values({
        dispute_id: 'd1',
        review_id: 'r1',
        agent_id: 'a1',
        criteria: textArray(['tone', 'accuracy']),
        reason: 'no',
        status: 'open',
        filed_at,
        resolved_by: null,
        resolved_at: null,
        resolution_note: null,
      })
      .execute();
    const row = await db.selectFrom('qa_disputes').select(['criteria', 'filed_at']).where('dispute_id', '=', 'd1').executeTakeFirstOrThrow();
    expect(row).toEqual({ criteria: ['tone', 'accuracy'], filed_at });
    const json = await sql<{ j: string }>`select ${JSON.stringify({ a: [1] })}::json as j`.execute(db);
    expect(fromJson(json.rows[0]!.j)).toEqual({ a: [1] });
  });
});

describe('Kysely and warehouse transactions', () => {
  const account = (username: string) => ({ username, password_hash: 'x', role: 'admin', agent_id: null, created_at: new Date('2026-10-01T00:00:00Z') });
  const names = async () => (await tables(warehouse).selectFrom('accounts').select('username').orderBy('username').execute()).map((r) => r.username);

  it('runs its queries inside warehouse.transaction on that transaction', async () => {
    const db = tables(warehouse);
    await expect(
      warehouse.transaction(async () => {
        await db.insertInto('accounts').values(account('ada')).execute();
        expect(await names()).toEqual(['ada']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await names()).toEqual([]);
  });

  it('does not wait for itself when a query outside queues behind a transaction that uses it', async () => {
    const db = tables(warehouse);
    let outside: Promise<unknown> | undefined;
    await warehouse.transaction(async () => {
      outside = db.insertInto('accounts').values(account('zoe')).execute();
      await db.insertInto('accounts').values(account('ada')).execute();
    });
    await outside;
    expect(await names()).toEqual(['ada', 'zoe']);
  });

  it('keeps other callers out of a Kysely transaction until it ends', async () => {
    const db = tables(warehouse);
    let other: Promise<void> | undefined;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('accounts').values(account('ada')).execute();
        other = warehouse.run("insert into accounts (username, password_hash, role, agent_id, created_at) values ('zoe', 'x', 'admin', null, now())");
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('roll back ada only');
      }),
    ).rejects.toThrow('roll back ada only');
    await other;
    expect(await names()).toEqual(['zoe']);
  });
});
