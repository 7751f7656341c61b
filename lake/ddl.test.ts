import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_NOW } from '../testing/clock.js';
import { agent, conversation, customer, on } from '../testing/fixtures.js';
import { testWarehouse } from '../testing/warehouse.js';
import { ENGINES, engineType, lakeDdl, parseType } from './ddl.js';
import { exportLake } from './export.js';
import { readManifest, type LakeTable, type Manifest } from './manifest.js';

const column = (name: string, type: string) => ({ name, type, lake_type: type });
const messages: LakeTable = {
  layer: 'raw',
  partition_by: ['source', 'month'],
  month_of: 'sent_at',
  columns: [
    column('source', 'VARCHAR'),
    column('conversation_id', 'VARCHAR'),
    column('seq', 'INTEGER'),
    column('sent_at', 'TIMESTAMP WITH TIME ZONE'),
    column('internal', 'BOOLEAN'),
  ],
  rows: 1,
  partitions: [
    {
      path: 'source=acme/month=2026-09',
      values: { source: 'acme', month: '2026-09' },
      rows: 1,
      hash: 'h',
      file: 'raw_messages/source=acme/month=2026-09/data.parquet',
      bytes: 1,
      sha256: 's',
      written_at: '',
    },
  ],
};
const agents: LakeTable = {
  ...messages,
  layer: 'raw',
  partition_by: [],
  columns: [column('agent_id', 'VARCHAR'), column('tags', 'VARCHAR[]')],
  partitions: [{ ...messages.partitions[0]!, path: '', values: {} }],
};
const empty: LakeTable = { ...agents, partitions: [] };
const manifest = { tables: { raw_messages: messages, raw_agents: agents, raw_surveys: empty } } as unknown as Manifest;

describe('parley lake ddl', () => {
  it('reads DuckDB type names, lists and structs included', () => {
    expect(parseType('STRUCT(opens_s DOUBLE, "seconds" DOUBLE)[]')).toEqual({
      kind: 'list',
      of: {
        kind: 'struct',
        fields: [
          ['opens_s', { kind: 'scalar', name: 'DOUBLE' }],
          ['seconds', { kind: 'scalar', name: 'DOUBLE' }],
        ],
      },
    });
    expect(engineType('VARCHAR[]', 'spark')).toBe('ARRAY<STRING>');
    expect(engineType('STRUCT(opens_s DOUBLE, "seconds" DOUBLE)[]', 'trino')).toBe('array(row("opens_s" double, "seconds" double))');
    expect(engineType('TIMESTAMP WITH TIME ZONE', 'trino')).toBe('timestamp');
    expect(() => engineType('INTERVAL', 'spark')).toThrow('the lake type INTERVAL has no spark type here');
  });

  it('Spark SQL: a parquet table per folder, partition columns last, then MSCK REPAIR TABLE', () => {
    expect(lakeDdl(manifest, 'spark', { location: 's3://acme-lake/parley/' })).toBe(
      [
        'CREATE TABLE parley.raw_messages (',
        '  `conversation_id` STRING,',
        '  `seq` INT,',
        '  `sent_at` TIMESTAMP,',
        '  `internal` BOOLEAN,',
        '  `source` STRING,',
        '  `month` STRING',
        ')',
        'USING parquet',
        'PARTITIONED BY (`source`, `month`)',
        "LOCATION 's3://acme-lake/parley/raw_messages';",
        'MSCK REPAIR TABLE parley.raw_messages;',
        '',
        'CREATE TABLE parley.raw_agents (',
        '  `agent_id` STRING,',
        '  `tags` ARRAY<STRING>',
        ')',
        'USING parquet',
        "LOCATION 's3://acme-lake/parley/raw_agents';",
        '',
      ].join('\n'),
    );
  });

  it('Trino: Hive connector tables with external_location and partitioned_by, then sync_partition_metadata', () => {
    expect(lakeDdl({ tables: { raw_messages: messages } } as unknown as Manifest, 'trino', { location: 's3://acme-lake/parley', schema: 'support', catalog: 'lake' })).toBe(
      [
        'CREATE TABLE lake.support.raw_messages (',
        '  "conversation_id" varchar,',
        '  "seq" integer,',
        '  "sent_at" timestamp,',
        '  "internal" boolean,',
        '  "source" varchar,',
        '  "month" varchar',
        ')',
        'WITH (',
        "  external_location = 's3://acme-lake/parley/raw_messages',",
        "  format = 'PARQUET',",
        "  partitioned_by = ARRAY['source', 'month']",
        ');',
        "CALL lake.system.sync_partition_metadata('support', 'raw_messages', 'FULL');",
        '',
      ].join('\n'),
    );
  });

  it('BigQuery: external tables with the partition columns, the columns read from the files', () => {
    expect(lakeDdl(manifest, 'bigquery', { location: 'gs://acme-lake/parley' })).toBe(
      [
        'CREATE EXTERNAL TABLE `parley.raw_messages`',
        'WITH PARTITION COLUMNS (',
        '  source STRING,',
        '  month STRING',
        ')',
        'OPTIONS (',
        "  format = 'PARQUET',",
        "  uris = ['gs://acme-lake/parley/raw_messages/*'],",
        "  hive_partition_uri_prefix = 'gs://acme-lake/parley/raw_messages',",
        '  enable_list_inference = true',
        ');',
        '',
        'CREATE EXTERNAL TABLE `parley.raw_agents`',
        'OPTIONS (',
        "  format = 'PARQUET',",
        "  uris = ['gs://acme-lake/parley/raw_agents/*'],",
        '  enable_list_inference = true',
        ');',
        '',
      ].join('\n'),
    );
  });

  it('every table of a real lake has statements for every engine', async () => {
    const at = on('2026-10-06');
    const w = await testWarehouse({ records: [conversation('c1', [customer(at('09:00')), agent(at('09:05'))], { tags: ['billing'] })], build: true });
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-lake-ddl-'));
    try {
      await exportLake(w.db, dir, { now: TEST_NOW });
      const m = readManifest(dir)!;
      for (const engine of ENGINES) {
        const ddl = lakeDdl(m, engine, { location: dir });
        expect(ddl.match(/CREATE (EXTERNAL )?TABLE/g)!.length, engine).toBe(Object.values(m.tables).filter((t) => t.partitions.length).length);
        expect(ddl).toContain('conversation_metrics');
      }
    } finally {
      w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
