/**
 * Spreadsheet round trip for teams still grading in spreadsheets: export a
 * sample's items as CSV (one column per criterion, the accepted ratings in
 * the second line), fill it in, import the grades back. An import is all or
 * nothing: every problem is listed by row, and nothing is saved unless every
 * filled row is valid. Rows left blank are skipped (not graded yet); a row
 * already reviewed is refused, never overwritten.
 *
 * @example
 *   const text = await exportSampleCsv(db, 'smp_…');
 *   const { saved } = await importGradesCsv(db, 'smp_…', editedText, 'grades.csv');
 */
import type { Warehouse } from '../warehouse/connection.js';
import { refreshQaMartsInTransaction } from '../models/build.js';
import { saveReviewInTransaction, type Review } from './reviews.js';
import { getRubric } from './rubric-store.js';
import { criteriaOf } from './rubric-schema.js';
import { getSample } from './sampling.js';
import { scaleRatings, type Grade } from './scoring.js';
import { ScorecardError } from './scorecard-error.js';
import { csvCell, unescapeCsvCell } from '../warehouse/csv-cell.js';

const FIXED = ['source', 'conversation_id', 'agent_id', 'reviewer_id'] as const;
const TAIL = ['comment', 'time_spent_s'] as const;
/** Columns an export carries for reading only (the import ignores them): where to open the conversation, and its thread. */
const READING = ['link', 'transcript'] as const;
/** The dashboard's address in export links when none is given: ORIGIN (as `parley serve` reads it), else serve's default. */
export const DEFAULT_LINK_BASE = process.env['ORIGIN'] ?? 'http://127.0.0.1:5173';
/** The second line of an export: a hint row, skipped on import. */
const HINT = '#accepted';

/** Parses CSV text (RFC 4180: quotes, doubled quotes, newlines in quotes) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(unescapeCsvCell(field));
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(unescapeCsvCell(field));
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(unescapeCsvCell(field));
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

/**
 * A sample as CSV for grading: fixed columns, one column per criterion
 * (`<id>`), `<id>.root_causes` where the criterion has choices, comment and
 * time spent, then for reading a link to the conversation in the dashboard
 * and its transcript. Line 2 lists the accepted ratings.
 */
export async function exportSampleCsv(db: Warehouse, sampleId: string, options: { reviewer_id?: string; link_base?: string } = {}): Promise<string> {
  const sample = await getSample(db, sampleId);
  const rubric = await getRubric(db, sample.rubric_id, sample.rubric_version);
  const criteria = criteriaOf(rubric);
  const header: string[] = [...FIXED];
  const hint: string[] = [HINT, '', '', ''];
  for (const c of criteria) {
    header.push(c.id);
    hint.push(`${scaleRatings(c.scale).join(' | ')}${c.na_allowed ? ' | n/a' : ''}`);
    if (c.root_causes.length) {
      header.push(`${c.id}.root_causes`);
      hint.push(`; between: ${c.root_causes.join(' | ')}`);
    }
  }
  header.push(...TAIL);
  hint.push('', 'seconds');
  const gradeColumns = header.length - FIXED.length;
  header.push(...READING);
  hint.push('the conversation in the dashboard', 'its public messages (not imported)');
  const lines = [header, hint];
  const items = sample.items.filter((item) => !(options.reviewer_id && item.reviewer_id !== options.reviewer_id && item.reviewer_id !== null));
  const transcripts = await transcriptsOf(db, items);
  const base = (options.link_base ?? DEFAULT_LINK_BASE).replace(/\/+$/, '');
  for (const item of items) {
    const link = `${base}/conversations/${encodeURIComponent(item.source)}/${encodeURIComponent(item.conversation_id)}`;
    lines.push([
      item.source,
      item.conversation_id,
      item.agent_id ?? '',
      item.reviewer_id ?? '',
      ...Array.from({ length: gradeColumns }, () => ''),
      link,
      transcripts.get(`${item.source}\u0000${item.conversation_id}`) ?? '',
    ]);
  }
  return lines.map((l) => l.map(csvCell).join(',')).join('\n') + '\n';
}

/**
 * Each conversation's public messages as one text, in order: "[2026-10-05 09:00 customer] …", one line each
 * (a spreadsheet cell holds at most 32,767 characters: a longer thread is cut there and says so).
 */
async function transcriptsOf(db: Warehouse, items: ReadonlyArray<{ source: string; conversation_id: string }>): Promise<Map<string, string>> {
  if (!items.length) return new Map();
  const rows = await db.all<{ source: string; conversation_id: string; transcript: string }>(
    `select m.source, m.conversation_id,
       string_agg('[' || strftime(m.sent_at, '%Y-%m-%d %H:%M') || ' ' || m.author_role || '] ' || replace(coalesce(m.body, ''), chr(10), ' '), chr(10) order by m.sent_at, m.seq) as transcript
     from raw_messages as m
     join (select unnest(cast($1 as json)::struct(source varchar, conversation_id varchar)[], recursive := true)) as k
       on k.source = m.source and k.conversation_id = m.conversation_id
     where not m.internal
     group by all`,
    [JSON.stringify(items.map((i) => ({ source: i.source, conversation_id: i.conversation_id })))],
  );
  const LIMIT = 32_000;
  return new Map(
    rows.map((r) => [`${r.source}\u0000${r.conversation_id}`, r.transcript.length > LIMIT ? `${r.transcript.slice(0, LIMIT)} … (cut: open the link for the rest)` : r.transcript]),
  );
}

/** Imports filled-in grades of a sample (see the module comment). */
export async function importGradesCsv(db: Warehouse, sampleId: string, text: string, file = 'grades.csv', now = new Date()): Promise<{ saved: Review[]; skipped: number }> {
  const sample = await getSample(db, sampleId);
  const rubric = await getRubric(db, sample.rubric_id, sample.rubric_version);
  const criteria = criteriaOf(rubric);
  const rows = parseCsv(text);
  const header = rows[0]?.map((h) => h.trim()) ?? [];
  const missing = [...FIXED.filter((c) => c !== 'agent_id'), ...criteria.map((c) => c.id)].filter((c) => !header.includes(c));
  if (missing.length) throw new ScorecardError(`${file}: the header lacks ${missing.join(', ')}: export the sample again (parley sample export) and fill that file`);
  const known = new Set([...FIXED, ...TAIL, ...READING, ...criteria.flatMap((c) => [c.id, `${c.id}.root_causes`])]);
  const extra = header.filter((h) => h && !known.has(h));
  if (extra.length) throw new ScorecardError(`${file}: column ${extra.map((e) => `"${e}"`).join(', ')} is not a criterion of rubric ${rubric.id} v${rubric.version}`);
  const col = (row: string[], name: string) => (header.indexOf(name) >= 0 ? (row[header.indexOf(name)] ?? '').trim() : '');
  const problems: string[] = [];
  let skipped = 0;
  return db.transaction(async () => {
    const saved: Review[] = [];
    for (const [i, row] of rows.entries()) {
      if (i === 0 || row[0] === HINT) continue;
      const line = i + 1;
      const where = `${file} row ${line} (${col(row, 'conversation_id') || 'no conversation_id'})`;
      if (criteria.every((c) => col(row, c.id) === '')) {
        skipped++;
        continue;
      }
      const grades: Grade[] = criteria.map((c) => {
        const rating = col(row, c.id);
        const causes = col(row, `${c.id}.root_causes`);
        const root_causes = causes
          ? causes
              .split(';')
              .map((x) => x.trim())
              .filter(Boolean)
          : undefined;
        const base = root_causes ? { criterion: c.id, root_causes } : { criterion: c.id };
        return rating.toLowerCase() === 'n/a' ? { ...base, na: true } : { ...base, rating };
      });
      const time = col(row, 'time_spent_s');
      if (time && !/^\d+(\.\d+)?$/.test(time)) {
        problems.push(`${where}: time_spent_s "${time}" is not a number of seconds`);
        continue;
      }
      try {
        saved.push(
          await saveReviewInTransaction(
            db,
            {
              sample_id: sampleId,
              source: col(row, 'source'),
              conversation_id: col(row, 'conversation_id'),
              reviewer_id: col(row, 'reviewer_id'),
              grades,
              ...(col(row, 'comment') ? { comment: col(row, 'comment') } : {}),
              ...(time ? { time_spent_s: Number(time) } : {}),
            },
            now,
          ),
        );
      } catch (error) {
        if (!(error instanceof ScorecardError)) throw error;
        problems.push(`${where}: ${error.message.replace(/^review of [^:]+: /, '')}`);
      }
    }
    if (problems.length) throw new ScorecardError(`nothing imported; fix these rows and import again: ${problems.join(' | ')}`);
    await refreshQaMartsInTransaction(db);
    return { saved, skipped };
  });
}
