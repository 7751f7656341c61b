/**
 * Rendering a parsed notebook against a warehouse: resolve the parameters,
 * run every query (bound values only), then write Markdown, charts, tables,
 * comparisons and the notable-changes summary as one HTML document. A block
 * that fails shows an error naming it and the problem; the rest renders.
 * Output depends only on the warehouse and the parameters (no clock, no
 * random ids), so the same inputs give the same bytes.
 *
 * @example
 *   const { html, errors } = await renderNotebook(db, parseNotebook(text, 'monthly-report'), { month: '2026-10' });
 */
import { Marked, type TokenizerAndRendererExtension, type Tokens } from 'marked';
import type { Row, Warehouse } from '../warehouse/connection.js';
import { tableNames } from '../warehouse/table-exists.js';
import type { Block, Notebook } from './parse.js';
import { knownNames, resolveParams, type ParamValues } from './params.js';
import { bindNamed } from './sql-params.js';
import { runQuery, type QueryResult } from './query.js';
import { renderChart } from './chart.js';
import { loadAnnotations } from '../models/annotations.js';
import { articleHtml, changesLegend, compareHtml, errorBox, escapeHtml, page, tableHtml, unavailableBox, type Comparison, type PageParts } from './html.js';
import { columnLabel, formatColumn, formatMonth } from './format.js';
import { findNotableChanges } from './notable-changes-sql.js';
import { fieldMetric, HEADLINE_FIELDS } from '../models/summary.js';
import { renderPlanningBlock } from './planning-block.js';
import { renderTargetsBlock } from './targets-block.js';
import { countedBy, enoughValues, hiddenNote, inferredCaveat, RESOLUTION_COUNTS_SQL, sampleCaveat, type ResolutionCounts } from '../models/caveats.js';

/** A block that could not be rendered: its label (`chart "fcr_trend"`), line and the problem. */
export interface RenderError {
  block: string;
  line: number;
  message: string;
}

export interface RenderResult {
  /** The whole document (or the article only, with `fragment`). */
  html: string;
  errors: RenderError[];
  /** Every parameter's value as used, with the derived months. */
  params: ParamValues;
  title: string;
}

export interface RenderOptions {
  /** Return only the `<article>` (the caller's page must include NOTEBOOK_CSS). */
  fragment?: boolean;
  /** The moment a `latest` month is the latest complete month before (default: now). */
  now?: Date;
}

type Outcome = { state: 'ok'; result: QueryResult } | { state: 'error'; message: string } | { state: 'unavailable'; missing: string[] };

/** A parameter value for people: months as 'October 2026', nothing as 'all'. */
function shownParam(value: string | null, type?: string): string {
  if (value === null) return 'all';
  return type === 'month' ? formatMonth(value) : value;
}

/** Renders `notebook` with `given` parameter values. Never throws for a broken block; see `errors`. */
export async function renderNotebook(db: Warehouse, notebook: Notebook, given: Readonly<Record<string, string>> = {}, options: RenderOptions = {}): Promise<RenderResult> {
  const errors: RenderError[] = notebook.problems.map((message) => ({ block: `notebook "${notebook.id}"`, line: 1, message }));
  const { values, problems } = await resolveParams(db, notebook, given, options.now);
  for (const message of problems) errors.push({ block: `notebook "${notebook.id}"`, line: 1, message });
  const names = knownNames(notebook.params);
  const tables = await tableNames(db);
  // the annotation layer of the charts over months: every configured date and emerging topic (each chart keeps its own months')
  const annotations = await loadAnnotations(db, { from: '0001-01-01', to: '9999-12-31' });

  // 1. every query, in order
  const outcomes = new Map<string, Outcome>();
  const queries: Array<{ block: Extract<Block, { kind: 'sql' }>; outcome: Outcome | undefined }> = [];
  for (const block of notebook.blocks) {
    if (block.kind !== 'sql') continue;
    let outcome: Outcome | undefined;
    if (block.problem) outcome = { state: 'error', message: block.problem };
    else {
      const missing = block.requires.filter((t) => !tables.has(t));
      const bound = bindNamed(block.sql, names);
      if (missing.length) outcome = { state: 'unavailable', missing };
      else if (bound.problems.length) outcome = { state: 'error', message: bound.problems.join('; ') };
      else {
        try {
          outcome = {
            state: 'ok',
            result: await runQuery(
              db,
              bound.sql,
              bound.names.map((n) => values[n] ?? null),
            ),
          };
        } catch (error) {
          outcome = { state: 'error', message: (error as Error).message };
        }
      }
    }
    if (block.name && !outcomes.has(block.name)) outcomes.set(block.name, outcome);
    queries.push({ block, outcome });
    if (outcome.state === 'error') errors.push({ block: block.label, line: block.line, message: outcome.message });
  }

  const fail = (block: Block, message: string): string => {
    errors.push({ block: block.label, line: block.line, message });
    return errorBox(block.label, block.line, message);
  };
  /** The result a block reads, or the HTML to show instead of it. */
  const resultFor = (block: Block, data: string): QueryResult | string => {
    const o = outcomes.get(data);
    if (!o) return fail(block, `no sql block is named "${data}"${outcomes.size ? ` (queries: ${[...outcomes.keys()].join(', ')})` : ''}`);
    if (o.state === 'unavailable') return unavailableBox(o.missing);
    if (o.state === 'error') return fail(block, `its data "${data}" could not be computed (see the error of sql "${data}")`);
    return o.result;
  };

  // 2. the blocks, in order; prose sees every result, nearest query above first for a bare {column}
  const seen: Array<{ name: string; row: Row | undefined; outcome: Outcome }> = [];
  const everyResult = [...outcomes].map(([name, o]) => ({ name, row: o.state === 'ok' ? o.result.rows[0] : undefined, outcome: o }));
  let chartIndex = 0;
  let body = '';
  /** The figures the report shows (compare metrics, table columns): which of them rest on resolutions decides its caveat. */
  const shownFigures: string[] = [];
  for (const block of notebook.blocks) {
    if (block.problem && block.kind !== 'sql') {
      body += fail(block, block.problem);
      continue;
    }
    switch (block.kind) {
      case 'markdown':
        body += renderMarkdown(block, values, notebook, [...seen, ...everyResult.filter((r) => !seen.some((s) => s.name === r.name))], errors);
        break;
      case 'sql': {
        const o = outcomes.get(block.name);
        if (o) seen.unshift({ name: block.name, row: o.state === 'ok' ? o.result.rows[0] : undefined, outcome: o });
        if (o?.state === 'error') body += errorBox(block.label, block.line, o.message);
        break;
      }
      case 'chart': {
        const spec = block.spec!;
        const r = resultFor(block, spec.data);
        if (typeof r === 'string') {
          body += r;
          break;
        }
        const drawn = renderChart(spec, r.rows, r.columns, ++chartIndex, annotations);
        if (drawn.problem) body += fail(block, drawn.problem);
        else {
          const title = spec.title ? `<h4>${escapeHtml(spec.title)}</h4>` : '';
          const caption = spec.caption ? `<div class="nb-caption">${escapeHtml(spec.caption)}</div>` : '';
          body += `<figure class="nb-chart">${title}${drawn.svg}${caption}</figure>\n`;
        }
        break;
      }
      case 'table': {
        const spec = block.spec!;
        const r = resultFor(block, spec.data);
        if (typeof r === 'string') {
          body += r;
          break;
        }
        const cols = (spec.columns ?? r.columns).map((c) =>
          typeof c === 'string' ? { column: c, label: columnLabel(c) } : { column: Object.keys(c)[0]!, label: Object.values(c)[0]! },
        );
        const missing = cols.filter((c) => !r.columns.includes(c.column)).map((c) => c.column);
        if (missing.length)
          body += fail(
            block,
            `column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not in the result "${spec.data}" (its columns: ${r.columns.join(', ')})`,
          );
        else {
          shownFigures.push(...cols.map((c) => c.column));
          body +=
            tableHtml(r.rows, cols, spec.limit ?? 50, spec.title, spec.empty) +
            tableCaveat(
              r,
              cols.map((c) => c.column),
            );
        }
        break;
      }
      case 'compare': {
        const spec = block.spec!;
        const r = resultFor(block, spec.data);
        if (typeof r === 'string') {
          body += r;
          break;
        }
        const missing = [spec.by, ...spec.metrics].filter((c) => !r.columns.includes(c));
        const unknownParams = [spec.current, ...Object.values(spec.against)].filter((p) => !(p in values));
        if (missing.length)
          body += fail(
            block,
            `column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not in the result "${spec.data}" (its columns: ${r.columns.join(', ')})`,
          );
        else if (unknownParams.length)
          body += fail(block, `unknown parameter ${unknownParams.map((p) => `"${p}"`).join(', ')}: this notebook has ${Object.keys(values).join(', ') || 'none'}`);
        else {
          const key = values[spec.current] ?? null;
          const now = r.rows.find((row) => row[spec.by] === key);
          if (!now) body += `<div class="nb-unavailable">${escapeHtml(spec.empty ?? `No data for ${shownParam(key, 'month')}.`)}</div>\n`;
          else {
            const against: Comparison[] = Object.entries(spec.against).map(([heading, p]) => {
              const k = values[p] ?? null;
              return { heading, key: k, row: r.rows.find((row) => row[spec.by] === k) };
            });
            shownFigures.push(...spec.metrics);
            body += compareHtml(spec.metrics, now, key && /^\d{4}-\d{2}$/.test(key) ? formatMonth(key, false) : 'This period', against, spec.layout ?? 'cards', spec.title);
            body += compareCaveat(now, spec.metrics, r.columns);
          }
        }
        break;
      }
      case 'planning': {
        try {
          body += await renderPlanningBlock(db, block.spec ?? {}, ++chartIndex);
        } catch (error) {
          body += fail(block, (error as Error).message.split('\n')[0]!);
        }
        break;
      }
      case 'targets': {
        const month = values[block.spec?.month ?? 'month'];
        if (month === undefined) body += fail(block, `unknown parameter "${block.spec?.month ?? 'month'}": name the notebook's month parameter with month: NAME`);
        else if (month === null) body += `<div class="nb-unavailable">No month to hold against the targets: the warehouse has no conversations yet.</div>\n`;
        else {
          try {
            body += await renderTargetsBlock(db, month);
          } catch (error) {
            body += fail(block, (error as Error).message.split('\n')[0]!);
          }
        }
        break;
      }
      case 'changes': {
        const spec = block.spec!;
        const param = spec.month ?? 'month';
        const month = values[param];
        if (month === undefined) body += fail(block, `unknown parameter "${param}": name the notebook's month parameter with month: NAME`);
        else if (month === null) body += `<div class="nb-unavailable">No month to summarise: the warehouse has no conversations yet.</div>\n`;
        else if (!tables.has('metric_summary')) body += unavailableBox(['metric_summary']);
        else {
          try {
            const { compared, changes } = await findNotableChanges(db, month, {
              columns: spec.metrics ?? HEADLINE_FIELDS,
              ...(spec.by ? { by: spec.by } : {}),
              top: spec.top ?? 4,
            });
            const previous = formatMonth(values[`${param}_previous`] ?? '');
            if (!compared) body += `<p class="nb-note">No summary of changes: the data do not hold both ${escapeHtml(formatMonth(month))} and ${escapeHtml(previous)}.</p>\n`;
            else if (!changes.length) body += `<ul class="nb-changes"><li>No headline figure moved notably against ${escapeHtml(previous)}.</li></ul>\n`;
            else {
              const items = changes.map((c) => {
                const tone = c.better === null ? '' : c.better ? 'nb-good ' : 'nb-bad ';
                return `<li class="${tone}${c.delta > 0 ? 'nb-up' : 'nb-down'}">${escapeHtml(c.sentence)}</li>`;
              });
              body += `<ul class="nb-changes">\n${items.join('\n')}\n</ul>\n${changesLegend()}`;
            }
          } catch (error) {
            body += fail(block, (error as Error).message.split('\n')[0]!);
          }
        }
        break;
      }
    }
  }

  const appendix = queries
    .map(({ block }) => `<details><summary>${escapeHtml(block.name || block.label)}</summary><pre>${escapeHtml(block.sql.trim())}</pre></details>`)
    .join('\n');
  const horizon = tables.has('conversation_metrics') ? await db.one<{ h: Date | null }>('select max(created_at) as h from conversation_metrics') : undefined;
  const through = horizon?.h instanceof Date ? horizon.h.toISOString().slice(0, 10) : undefined;
  // figures built on resolutions, in a month (or data) where many of them are inferred: one caveat, above the report
  const month = notebook.params.find((p) => p.type === 'month');
  const counts = tables.has('conversation_metrics')
    ? await db.one<ResolutionCounts>(`select ${RESOLUTION_COUNTS_SQL} from conversation_metrics where $1::varchar is null or month = $1`, [
        month ? (values[month.name] ?? null) : null,
      ])
    : undefined;
  const inferred = inferredCaveat(shownFigures, counts);
  const caveatBox = inferred
    ? `<div class="nb-caveat" role="note"><strong>Caveat${month && values[month.name] ? ` for ${escapeHtml(formatMonth(values[month.name]!))}` : ''}:</strong> ${escapeHtml(inferred.text)}</div>\n`
    : '';
  const parts: PageParts = {
    title: notebook.title,
    kicker: 'Parley report',
    ...(notebook.description ? { subtitle: notebook.description } : {}),
    params: notebook.params.map((p) => [p.label ?? columnLabel(p.name), shownParam(values[p.name] ?? null, p.type)] as [string, string]),
    problems: errors.filter((e) => e.line === 1 && e.block.startsWith('notebook')).map((e) => e.message),
    body: caveatBox + body + (appendix ? `<section class="nb-queries"><h4>Queries behind this report</h4>\n${appendix}\n</section>\n` : ''),
    footer: `Rendered by Parley from notebook <code>${escapeHtml(notebook.id)}</code>${through ? ` · data through ${through}` : ''} · figures as defined in the metric catalogue.`,
  };
  return { html: options.fragment ? articleHtml(parts) : page(parts), errors, params: values, title: notebook.title };
}

/** The note under a table in which some figure is hidden because too few values stand behind it (models/caveats.ts). */
function tableCaveat(r: QueryResult, shown: readonly string[]): string {
  const count = r.columns.find((c) => countedBy(c));
  if (!count) return '';
  // a "–" in a row of too few, or in a catalogue metric's column (a rate or score over too few values: CSAT from few answers)
  const hidden = r.rows.some((row) =>
    shown.some((c) => c !== count && row[c] === null && ((typeof row[count] === 'number' && !enoughValues(row[count])) || fieldMetric(c) !== undefined)),
  );
  return hidden ? `<p class="nb-note nb-caveat-note">${escapeHtml(hiddenNote(countedBy(count)!))}</p>\n` : '';
}

/** The note under a comparison whose current figure is hidden for too few values: "5 reviews: fewer than 10 reviews hide a score." */
function compareCaveat(now: Row, metrics: readonly string[], columns: readonly string[]): string {
  const count = [...metrics, ...columns].find((c) => countedBy(c));
  if (!count || enoughValues(now[count]) || !metrics.some((m) => m !== count && now[m] === null)) return '';
  const caveat = sampleCaveat(now[count], countedBy(count)!);
  return caveat ? `<p class="nb-note nb-caveat-note">${escapeHtml(caveat.text)}</p>\n` : '';
}

/** Markdown prose with `{name}` / `{query.column}` values; raw HTML is shown as text. */
function renderMarkdown(
  block: Extract<Block, { kind: 'markdown' }>,
  values: ParamValues,
  notebook: Notebook,
  seen: ReadonlyArray<{ name: string; row: Row | undefined; outcome: Outcome }>,
  errors: RenderError[],
): string {
  const types = new Map(notebook.params.map((p) => [p.name, p.type]));
  const inline = (ref: string, column: string | undefined): string => {
    const problem = (message: string) => {
      errors.push({ block: block.label, line: block.line, message });
      return `<span class="nb-inline-error" title="${escapeHtml(message)}">{${escapeHtml(column ? `${ref}.${column}` : ref)}}</span>`;
    };
    if (!column && ref in values) {
      const base = ref.replace(/_(previous|year_ago)$/, '');
      return `<span class="nb-value">${escapeHtml(shownParam(values[ref] ?? null, types.get(ref) ?? types.get(base)))}</span>`;
    }
    const source = column
      ? seen.find((s) => s.name === ref)
      : seen.find((s) => s.outcome.state === 'ok' && s.outcome.result.rows.length === 1 && s.outcome.result.columns.includes(ref));
    const col = column ?? ref;
    if (!source) {
      return problem(column ? `value {${ref}.${column}}: no sql block is named "${ref}"` : `value {${ref}}: no parameter and no one-row query has a column "${ref}"`);
    }
    if (source.outcome.state === 'unavailable') return `<span class="nb-value nb-na" title="not available yet">n/a</span>`;
    if (source.outcome.state === 'error') return problem(`value {${column ? `${ref}.${column}` : ref}}: the query "${source.name}" failed`);
    if (!source.outcome.result.columns.includes(col))
      return problem(`value {${ref}.${col}}: the result "${ref}" has no column "${col}" (its columns: ${source.outcome.result.columns.join(', ')})`);
    const v = source.row?.[col];
    const text = typeof v === 'string' && /^\d{4}-\d{2}$/.test(v) ? formatMonth(v) : formatColumn(col, v);
    return `<span class="nb-value">${escapeHtml(text)}</span>`;
  };
  const extension: TokenizerAndRendererExtension = {
    name: 'nbValue',
    level: 'inline',
    start: (src: string) => {
      const i = src.search(/\{[a-z_]/);
      return i < 0 ? undefined : i;
    },
    tokenizer(src: string) {
      const m = /^\{([a-z_][a-z0-9_]*)(?:\.([a-z_][a-z0-9_]*))?\}/.exec(src);
      return m ? { type: 'nbValue', raw: m[0], ref: m[1], column: m[2] } : undefined;
    },
    renderer: (token) => inline(token['ref'] as string, token['column'] as string | undefined),
  };
  const marked = new Marked({ async: false, gfm: true });
  marked.use({
    extensions: [extension],
    renderer: {
      html: (token: Tokens.HTML | Tokens.Tag) => escapeHtml(token.text),
      // the file must open offline and run nothing: no remote images, no javascript: links
      image: (token: Tokens.Image) =>
        token.href.startsWith('data:image/')
          ? `<img src="${escapeHtml(token.href)}" alt="${escapeHtml(token.text)}">`
          : `<span class="nb-note">[image not embedded: ${escapeHtml(token.text || token.href)}]</span>`,
      link(token: Tokens.Link) {
        const inner = this.parser.parseInline(token.tokens);
        return /^\s*(javascript|vbscript|data):/i.test(token.href) ? inner : `<a href="${escapeHtml(token.href)}">${inner}</a>`;
      },
    },
  });
  return marked.parse(block.text) as string;
}
