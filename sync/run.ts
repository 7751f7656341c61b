/**
 * The page loop every API sync shares. A platform's sync is a
 * {@link PlatformSync}: its `pages(from)` async generator asks the API for
 * one page at a time, starting after the stored cursor `from` (undefined:
 * from the beginning), and yields each page as a {@link SyncPage} — the
 * page's records in exactly the shape the platform's export adapter reads
 * (ingest/adapters/, one adapter per platform: the sync is not a second
 * one), the cursor to resume after it, and its position (the page's
 * high-water mark in Unix seconds). {@link runSync} then, for each page:
 *
 * 1. writes the records as JSON Lines to a temp file;
 * 2. loads that file through the platform's adapter and the loader
 *    (`ingest/load.ts` — the same checks, quarantine and load log as
 *    `parley ingest --format <platform>`), and, inside the load's
 *    transaction, stores the cursor (`sync_state`, state.ts), so a page and
 *    its cursor land together or not at all: a failure anywhere in a page
 *    (a refused token while its audits are fetched, a 5xx past the retry
 *    limit, a broken response) lands nothing of it, and a rerun resumes after
 *    the last landed page;
 * 3. refuses a page whose position goes back (the API's pages out of order):
 *    the sync stops, says which page and where, and lands nothing of it.
 *
 * A run that stops records its one-line reason in `sync_state.last_error`.
 * The Intercom and Chatwoot syncs plug in the same way: a `PlatformSync`
 * with `format: 'intercom'` / `'chatwoot'` and their own `pages()`, over the
 * same {@link HttpClient} (http.ts) and credentials (credentials.ts).
 *
 * @example
 *   const summary = await runSync(db, zendeskSync(http, { startTime: 0 }), { source: 'zendesk', now });
 *   // { pages: 3, read: 250, loaded: 248, quarantined: 2, removed: 1, cursor: 'MTU3…', position: 1576613539, ... }
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Warehouse } from '../warehouse/connection.js';
import { loadFiles, type FileResult, type LoadInput, type LoadSummary } from '../ingest/load.js';
import { ADAPTERS } from '../ingest/adapters/index.js';
import type { Format, Prepared } from '../ingest/adapters/types.js';
import { SyncError } from './http.js';
import { readSyncState, saveCursor, saveError } from './state.js';

/** One page of a platform's API, ready to load. */
export interface SyncPage {
  /** The page's records, each in the shape the platform's adapter reads (one JSON object a record). */
  records: readonly unknown[];
  /** The cursor to resume after this page (stored once the page has landed). */
  cursor: string | null;
  /** The page's high-water mark, Unix seconds (the latest `generated_timestamp` or `updated_at` on it): no later page may go below it. */
  position: number | null;
  /** The page's earliest mark (default `position`): it may not lie before the previous page's `position`. */
  earliest?: number | null;
  /** Where the page is, for messages: `the page after cursor MTU3…`. */
  where: string;
  /**
   * The platform's roster, loaded with this page (in its transaction): canonical
   * agent records `{ id, name, team?, email? }` (spec/conversation-format.md,
   * `agents.jsonl`), from the platform's admins or agents and teams.
   */
  agents?: readonly object[];
}

/** What a platform's sync supplies to {@link runSync}. */
export interface PlatformSync {
  /** `zendesk`, `intercom`, `chatwoot`: the `platform` of `sync_state`. */
  platform: string;
  /** Its name in messages: `Zendesk`. */
  label: string;
  /** The adapter that loads its records (or `canonical`). */
  format: Format;
  /** The pages after `from` (the stored cursor; undefined: from the start), in order. */
  pages(from: { cursor: string | null; position: number | null } | undefined): AsyncIterable<SyncPage>;
}

export interface SyncOptions {
  /** The `source` of the synced conversations (default: the platform's name). */
  source?: string;
  /** Ignore the stored cursor and sync everything again. */
  full?: boolean;
  /** The moment of the run (load checks, `synced_at`; default now). */
  now?: Date;
  /** Told after each landed page. */
  onPage?: (page: LandedPage) => void;
}

export interface LandedPage {
  page: number;
  records: number;
  loaded: number;
  quarantined: number;
  cursor: string | null;
}

export interface SyncSummary {
  platform: string;
  source: string;
  /** Pages landed by this run. */
  pages: number;
  /** Records read, loaded, quarantined by this run (as `parley ingest` counts them). */
  read: number;
  loaded: number;
  quarantined: number;
  /** Stored conversations removed (deleted or merged on the platform). */
  removed: number;
  /** The stored cursor after the run. */
  cursor: string | null;
  /** Whether the run started from the stored cursor. */
  resumed: boolean;
  loadIds: number[];
  seconds: number;
}

/** Runs a sync to the end of its pages; see the module comment. Throws a {@link SyncError} (or the loader's error) when it stops. */
export async function runSync(db: Warehouse, sync: PlatformSync, options: SyncOptions = {}): Promise<SyncSummary> {
  const source = options.source ?? sync.platform;
  const now = options.now ?? new Date();
  const started = performance.now();
  const stored = options.full ? undefined : await readSyncState(db, sync.platform, source);
  const from = stored && (stored.cursor !== null || stored.position !== null) ? { cursor: stored.cursor, position: stored.position } : undefined;
  const summary: SyncSummary = {
    platform: sync.platform,
    source,
    pages: 0,
    read: 0,
    loaded: 0,
    quarantined: 0,
    removed: 0,
    cursor: from?.cursor ?? null,
    resumed: from !== undefined,
    loadIds: [],
    seconds: 0,
  };
  let position = from?.position ?? null;
  const dir = mkdtempSync(path.join(tmpdir(), `parley-sync-${sync.platform}-`));
  try {
    for await (const page of sync.pages(from)) {
      const n = summary.pages + 1;
      const earliest = page.earliest ?? page.position;
      if (position !== null && earliest !== null && earliest < position) {
        throw new SyncError(
          'order',
          `the ${sync.label} API's pages are out of order: page ${n} of this run (${page.where}) goes back to ${iso(earliest)}, before ${iso(position)} where the last landed page ended; nothing of it was loaded — run the sync again with --full`,
        );
      }
      const write = { platform: sync.platform, source, cursor: page.cursor, position: page.position ?? position, pages: n, records: summary.read + page.records.length, now };
      if (page.records.length === 0 && !page.agents?.length) {
        await db.transaction(() => saveCursor(db, write));
      } else {
        const files = { records: path.join(dir, `${source}-page-${n}.jsonl`), agents: path.join(dir, `${source}-agents-${n}.jsonl`) };
        const loaded = await loadPage(db, sync.format, files, page, source, now, () => saveCursor(db, write));
        // the roster is not among the records (read, loaded, quarantined count conversations)
        const records = loaded.perFile.filter((f) => f.file !== files.agents);
        summary.read += sum(records, 'read');
        summary.loaded += sum(records, 'loaded');
        summary.quarantined += sum(records, 'quarantined');
        summary.removed += loaded.removed;
        summary.loadIds.push(loaded.loadId);
      }
      summary.pages = n;
      summary.cursor = page.cursor;
      position = write.position;
      options.onPage?.({ page: n, records: page.records.length, loaded: summary.loaded, quarantined: summary.quarantined, cursor: page.cursor });
    }
  } catch (error) {
    const line = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    // best effort: the reason is kept for `parley jobs list`; a warehouse that cannot take it does not hide the error itself
    await saveError(db, sync.platform, source, line, now).catch(() => undefined);
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  summary.seconds = Math.round((performance.now() - started) / 10) / 100;
  return summary;
}

/** One page (and its roster) through the adapter and the loader, `store` (the cursor) inside the load's transaction. */
async function loadPage(
  db: Warehouse,
  format: Format,
  files: { records: string; agents: string },
  page: SyncPage,
  source: string,
  now: Date,
  store: () => Promise<void>,
): Promise<LoadSummary> {
  const file = files.records;
  let prepared: Prepared | undefined;
  try {
    const inputs: LoadInput[] = [];
    if (page.records.length) {
      writeFileSync(file, page.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      inputs.push(...(format === 'canonical' ? [{ file, format: 'canonical' }] : (prepared = await ADAPTERS[format].prepare(db, [file], { source })).inputs));
    }
    if (page.agents?.length) {
      writeFileSync(files.agents, page.agents.map((r) => JSON.stringify(r)).join('\n') + '\n');
      inputs.push({ file: files.agents, kind: 'agents', format: 'agents' });
    }
    return await loadFiles(db, inputs, { source, now, beforeCommit: store });
  } finally {
    await prepared?.cleanup();
    rmSync(file, { force: true });
    rmSync(files.agents, { force: true });
  }
}

function sum(files: readonly FileResult[], key: 'read' | 'loaded' | 'quarantined'): number {
  return files.reduce((n, f) => n + f[key], 0);
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
