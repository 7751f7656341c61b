/**
 * Topic curation (table insight_topic_curation, migration 008): a product
 * lead renames, merges, splits off or hides a topic, or pins a term to one.
 * Acts are kept in the warehouse and applied, in order, by every
 * `parley insights build` before topics are named and ranked
 * ({@link applyCuration}), so they survive every rebuild. A topic is
 * addressed by its key, its seed term, which a rebuild on the same kind of
 * data keeps; {@link recordCuration} takes the topic ids of the current build
 * (what the page and `parley insights top` show) and stores their keys.
 */
import { z } from 'zod';
import type { Warehouse } from '../warehouse/connection.js';
import { tableExists } from '../warehouse/table-exists.js';
import { tables } from '../warehouse/tables.js';

/** A topic as topics.ts builds it (the same shape; named here so that curation does not import topics.ts). */
export interface Topic {
  id: number;
  seed: string;
  terms: string[];
  labels: string[];
  name: string;
}

export const CURATION_ACTIONS = ['rename', 'merge', 'split', 'hide', 'pin'] as const;
export type CurationAction = (typeof CURATION_ACTIONS)[number];

export class CurationError extends Error {}

export const curationSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('rename'), topic: z.coerce.number().int().positive(), name: z.string().trim().min(1).max(80) }),
  z.object({ action: z.literal('merge'), topic: z.coerce.number().int().positive(), into: z.coerce.number().int().positive() }),
  z.object({ action: z.literal('split'), topic: z.coerce.number().int().positive(), term: z.string().trim().min(1) }),
  z.object({ action: z.literal('hide'), topic: z.coerce.number().int().positive() }),
  z.object({ action: z.literal('pin'), topic: z.coerce.number().int().positive(), term: z.string().trim().min(1) }),
]);
export type CurationInput = z.input<typeof curationSchema>;

export type CurationAct = {
  action: CurationAction;
  topic_key: string | null;
  target_key: string | null;
  term: string | null;
  name: string | null;
};

/**
 * Records one act on a topic of the current build (ids as in insight_topics).
 * A term is given as shown (`card declined`) or stemmed (`card declin`).
 * Returns a sentence saying what was recorded.
 *
 * @example
 *   await recordCuration(db, { action: 'rename', topic: 3, name: 'Delivery address change' }, 'product');
 */
export async function recordCuration(db: Warehouse, input: CurationInput, by: string | null, now = new Date()): Promise<string> {
  const parsed = curationSchema.safeParse(input);
  if (!parsed.success) throw new CurationError(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
  const c = parsed.data;
  if (!(await tableExists(db, 'insight_topics'))) throw new CurationError('no topics yet: run `parley insights build` first');
  const keyOf = async (id: number) => {
    const row = await db.one<{ topic_key: string; name: string }>('select topic_key, name from insight_topics where topic_id = $1', [id]);
    if (!row) throw new CurationError(`no topic ${id} in the last insights build: see \`parley insights top\` for the topics and their ids`);
    return row;
  };
  const topic = await keyOf(c.topic);
  let term: string | null = null;
  if (c.action === 'split' || c.action === 'pin') {
    const found = await db.one<{ term: string }>(
      'select term from insight_term_labels where term = $1 or lower(label) = lower($1) order by term = $1 desc, conversations desc limit 1',
      [c.term],
    );
    if (!found) throw new CurationError(`"${c.term}" is not a term of this warehouse (too rare, or a stop word)`);
    term = found.term;
    if (c.action === 'split') {
      const has = await db.one<{ n: number }>('select count(*) as n from insight_topics where topic_id = $1 and list_contains(terms, $2)', [c.topic, term]);
      if (!has?.n) throw new CurationError(`"${c.term}" is not one of topic ${c.topic}'s terms: only a topic's own term can be split off`);
    }
  }
  const target = c.action === 'merge' ? await keyOf(c.into) : null;
  if (target && target.topic_key === topic.topic_key) throw new CurationError('a topic cannot be merged into itself');
  await tables(db)
    .insertInto('insight_topic_curation')
    .values({
      action: c.action,
      topic_key: topic.topic_key,
      target_key: target?.topic_key ?? null,
      term,
      name: c.action === 'rename' ? c.name : null,
      curated_by: by,
      curated_at: now,
    })
    .execute();
  const what = {
    rename: () => `"${topic.name}" is now called "${c.action === 'rename' ? c.name : ''}"`,
    merge: () => `"${topic.name}" goes into "${target!.name}"`,
    split: () => `"${c.action === 'split' ? c.term : ''}" leaves "${topic.name}" as a topic of its own`,
    hide: () => `"${topic.name}" is hidden`,
    pin: () => `"${c.action === 'pin' ? c.term : ''}" belongs to "${topic.name}"`,
  }[c.action]();
  return `${what} from the next insights build on (kept across rebuilds).`;
}

/** Every act, oldest first (what the next build applies). */
export async function listCuration(db: Warehouse): Promise<Array<CurationAct & { curated_by: string | null; curated_at: Date }>> {
  if (!(await tableExists(db, 'insight_topic_curation'))) return [];
  return db.all<CurationAct & { curated_by: string | null; curated_at: Date }>(
    'select action, topic_key, target_key, term, name, curated_by, curated_at from insight_topic_curation order by curated_at, rowid',
  );
}

/**
 * Applies the acts, in order, to the topics of a build (before naming and
 * ranking): returns the topics (renumbered 1…n) and the names given by hand
 * (by topic id). An act whose topic the build no longer has is skipped. A
 * topic that loses its seed term (pinned elsewhere, split off) is keyed by its
 * next term from then on, as the acts after it were recorded.
 * `known` says whether a term is a kept term of this build.
 *
 * @example
 *   applyCuration(topics, [{ action: 'hide', topic_key: 'call', … }], (t) => true).topics // without the topic "call"
 */
export function applyCuration(
  topics: readonly Topic[],
  acts: readonly CurationAct[],
  known: (term: string) => boolean,
): { topics: Topic[]; names: Map<number, string>; hidden: number } {
  let list: Array<Topic & { given?: string }> = topics.map((t) => ({ ...t, terms: [...t.terms], labels: [...t.labels] }));
  const find = (key: string | null) => list.find((t) => t.seed === key);
  // a term leaves every topic; a topic that loses its seed is keyed by its next term
  const removeTerm = (term: string) => {
    for (const t of list) {
      const i = t.terms.indexOf(term);
      if (i < 0) continue;
      t.terms.splice(i, 1);
      t.labels.splice(i, 1);
      if (t.seed === term && t.terms.length) t.seed = t.terms[0]!;
    }
  };
  let hidden = 0;
  for (const a of acts) {
    const t = find(a.topic_key);
    if (a.action === 'rename' && t && a.name) t.given = a.name;
    else if (a.action === 'hide' && t) {
      list = list.filter((x) => x !== t);
      hidden++;
    } else if (a.action === 'merge' && t) {
      const into = find(a.target_key);
      if (!into || into === t) continue;
      t.terms.forEach((term, i) => {
        if (into.terms.includes(term)) return;
        into.terms.push(term);
        into.labels.push(t.labels[i] ?? term);
      });
      list = list.filter((x) => x !== t);
    } else if (a.action === 'split' && t && a.term && t.terms.includes(a.term) && t.terms.length > 1 && list.every((x) => x === t || x.seed !== a.term)) {
      removeTerm(a.term);
      list.push({ id: 0, seed: a.term, terms: [a.term], labels: [a.term], name: a.term });
    } else if (a.action === 'pin' && t && a.term && known(a.term) && !t.terms.includes(a.term)) {
      removeTerm(a.term);
      t.terms.push(a.term);
      t.labels.push(a.term);
    }
  }
  list = list.filter((t) => t.terms.length > 0);
  const out = list.map(({ given, ...t }, i) => ({ topic: { ...t, id: i + 1 }, given }));
  return {
    topics: out.map((o) => o.topic),
    names: new Map(out.filter((o) => o.given !== undefined).map((o) => [o.topic.id, o.given!])),
    hidden,
  };
}
