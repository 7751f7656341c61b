/**
 * Topics a person can name: the terms that rank high by TF-IDF in some month
 * or intent, and are at least {@link CANDIDATE_LIFT} times as common there as
 * overall, are the candidates, with the few terms a month says far more
 * often than usual ({@link MONTH_LIFT}: an incident's words); candidates that occur in the same
 * conversations are grouped (greedy: the most distinctive candidate not yet
 * placed seeds a topic, and every unplaced candidate whose Jaccard similarity
 * of conversations with the seed reaches {@link TOPIC_JACCARD} joins it). A
 * topic's name is its seed and its two most frequent other terms, as
 * customers wrote them (`parcel stuck · swiftparcel · depot`). A conversation
 * belongs to every topic one of whose terms it mentions.
 */
import type { Warehouse } from '../warehouse/connection.js';
import { applyCuration, listCuration } from './curation.js';
import { surfaceLabels } from './labels.js';
import { maskPii, terms } from './text.js';

export const TOPIC_JACCARD = 0.25;
/** A candidate is at least this many times as common in its month or intent as overall. */
export const CANDIDATE_LIFT = 2;
/** A month's own candidates: at least this many times as common that month as overall. */
export const MONTH_LIFT = 3;

export interface Candidate {
  term: string;
  label: string;
  df: number;
  /** best TF-IDF in any month or intent */
  score: number;
}

export interface Topic {
  id: number;
  seed: string;
  terms: string[];
  labels: string[];
  name: string;
}

/**
 * Groups candidates into topics. `pairs` holds the conversations shared by
 * two candidates (key `a\tb` with a < b).
 *
 * @example
 *   clusterTopics(
 *     [{ term: 'swiftparcel', label: 'swiftparcel', df: 40, score: 0.3 }, { term: 'depot', label: 'depot', df: 38, score: 0.2 }],
 *     new Map([['depot\tswiftparcel', 30]]), 10,
 *   ) // [{ id: 1, name: 'swiftparcel · depot', terms: ['swiftparcel', 'depot'], … }]
 */
export function clusterTopics(candidates: readonly Candidate[], pairs: ReadonlyMap<string, number>, maxTopics: number): Topic[] {
  const order = [...candidates].sort((a, b) => b.score - a.score || b.df - a.df || a.term.localeCompare(b.term));
  const placed = new Set<string>();
  const topics: Topic[] = [];
  const shared = (a: string, b: string) => pairs.get(a < b ? `${a}\t${b}` : `${b}\t${a}`) ?? 0;
  for (const seed of order) {
    if (placed.has(seed.term)) continue;
    if (topics.length >= maxTopics) break;
    placed.add(seed.term);
    const members = [seed];
    for (const c of order) {
      if (placed.has(c.term)) continue;
      const both = shared(seed.term, c.term);
      const jaccard = both / (seed.df + c.df - both);
      if (jaccard >= TOPIC_JACCARD) {
        members.push(c);
        placed.add(c.term);
      }
    }
    const rest = members.slice(1).sort((a, b) => b.df - a.df || a.term.localeCompare(b.term));
    const named = [seed, ...rest];
    topics.push({
      id: topics.length + 1,
      seed: seed.term,
      terms: named.map((m) => m.term),
      labels: named.map((m) => m.label),
      name: named
        .slice(0, 3)
        .map((m) => m.label)
        .join(' · '),
    });
  }
  return topics;
}

/**
 * Finds the topics of the current build: reads candidates from insight_terms
 * (the top `perGroup` of each month and intent with at least `minCount`
 * conversations), their co-occurrence from `_ins_kept`, clusters them and
 * writes `_ins_topics` and `_ins_topic_terms`.
 */
export async function buildTopics(db: Warehouse, opts: { perGroup: number; minCount: number; maxTopics: number }): Promise<Topic[]> {
  const candidates = await db.all<Candidate & Record<string, unknown>>(
    `with
     total as (select max(group_conversations)::double as n from insight_terms where scope = 'all'),
     ranked as (
       -- distinctive: at least CANDIDATE_LIFT times as common in the group as overall
       select term, label, df, tfidf as score
       from insight_terms
       where scope in ('month', 'intent') and rank <= ${opts.perGroup} and df >= ${opts.minCount}
         and share >= ${CANDIDATE_LIFT} * df / (select n from total)
     ),
     month_counts as (
       select a.month, k.term, count(*) as n
       from _ins_kept k join _ins_attr a using (doc)
       group by all
     ),
     month_sizes as (select month, count(*) as size from _ins_attr group by month),
     lifted as (
       -- what a month says far more often than usual (an incident): its top few by TF-IDF
       select m.term, l.label, d.df, m.n / s.size * ln((select n from total) / d.df) as score,
         row_number() over (partition by m.month order by m.n / s.size * ln((select n from total) / d.df) desc, m.term) as r
       from month_counts m
       join month_sizes s using (month)
       join _ins_df d using (term)
       join _ins_term_labels l using (term)
       where m.n >= ${opts.minCount} and m.n / s.size >= ${MONTH_LIFT} * d.df / (select n from total)
     )
     select term, any_value(label) as label, any_value(df) as df, max(score) as score
     from (select term, label, df, score from ranked union all select term, label, df, score from lifted where r <= 5)
     group by term
     order by term`,
  );
  await db.run('create or replace temp table _ins_candidates as select unnest($1::varchar[]) as term', [candidates.map((c) => c.term)]);
  const pairRows = await db.all<{ a: string; b: string; n: number }>(`
    with c as (select k.doc, k.term from _ins_kept k semi join _ins_candidates using (term))
    select x.term as a, y.term as b, count(*) as n
    from c x join c y on x.doc = y.doc and x.term < y.term
    group by all`);
  const pairs = new Map(pairRows.map((r) => [`${r.a}\t${r.b}`, r.n]));
  const clustered = clusterTopics(candidates, pairs, opts.maxTopics);
  await writeTopicTerms(db, clustered);
  // near duplicates: topics most of whose conversations are another topic's too are one topic
  const overlapRows = await db.all<{ a: number; b: number; shared: number; na: number; nb: number }>(`
    with td as (select distinct t.topic_id, k.doc from _ins_topic_terms t join _ins_kept k using (term)),
    sizes as (select topic_id, count(*) as n from td group by topic_id)
    select x.topic_id as a, y.topic_id as b, count(*) as shared, any_value(sa.n) as na, any_value(sb.n) as nb
    from td x join td y on x.doc = y.doc and x.topic_id < y.topic_id
    join sizes sa on sa.topic_id = x.topic_id
    join sizes sb on sb.topic_id = y.topic_id
    group by all`);
  const sizes = new Map<number, number>();
  for (const r of overlapRows) {
    sizes.set(r.a, r.na);
    sizes.set(r.b, r.nb);
  }
  // the product lead's curation, in order, before topics are named and ranked
  const acts = await listCuration(db);
  const dfRows = await db.all<{ term: string; df: number }>('select term, df from _ins_df');
  const df = new Map(dfRows.map((r) => [r.term, r.df]));
  const curated = applyCuration(mergeTopics(clustered, overlapRows, sizes), acts, (term) => df.has(term));
  const merged = curated.topics;
  // a topic is named by a phrase customers write: its commonest phrase, or the commonest phrase holding its seed word
  const phraseRows = await db.all<{ term: string; df: number }>(
    `select term, df from _ins_df where contains(term, ' ') order by df desc, length(term) - length(replace(term, ' ', '')) desc, term`,
  );
  // …written in the topic's own sense ("card in the letterbox", all delivery, does not name a topic of card
  // payments), and no other topic's term ("book a flight" is a topic of its own, not the name of "book")
  const owner = new Map<string, number>();
  for (const t of merged) for (const term of t.terms) if (!owner.has(term)) owner.set(term, t.id);
  const named = merged.map((t) => nameCandidates(t, df, phraseRows).filter((term) => term === t.seed || (owner.get(term) ?? t.id) === t.id));
  const mixes = await intentMixes(db, named.flat());
  const nameTerms = named.map((terms, i) => terms.filter((term) => sameSense(mixes.get(term), mixes.get(merged[i]!.seed))));
  const labels = await surfaceLabels(db, [...merged.flatMap((t) => t.terms), ...nameTerms.flat()], (term) => term);
  // two topics never share a name: a name taken (by curation, or by a topic ranked before) is skipped
  const used = new Set(curated.names.values());
  const topics = merged.map((t, i) => {
    const names = nameTerms[i]!.map((term) => labels.get(term) ?? term);
    const name = curated.names.get(t.id) ?? names.find((n) => n.split(' ').length <= NAME_WORDS && !used.has(n)) ?? names[names.length - 1]!;
    used.add(name);
    return { ...t, labels: t.terms.map((term) => labels.get(term) ?? term), name };
  });
  await writeTopicTerms(db, topics);
  return topics;
}

/** How many conversations of each intent mention each of `terms`. */
async function intentMixes(db: Warehouse, terms: readonly string[]): Promise<Map<string, Map<string, number>>> {
  const rows = await db.all<{ term: string; intent: string; n: number }>(
    `select k.term, a.intent, count(*) as n
     from _ins_kept k join _ins_attr a using (doc)
     where k.term in (select unnest($1::varchar[])) and a.intent is not null
     group by all`,
    [[...new Set(terms)]],
  );
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    let m = out.get(r.term);
    if (!m) out.set(r.term, (m = new Map()));
    m.set(r.intent, Number(r.n));
  }
  return out;
}

/** A phrase is in its topic's sense when its conversations' intents overlap those of the topic's seed by at least this share (histogram intersection). */
export const SENSE_OVERLAP = 0.4;

/**
 * Does a phrase use its topic's seed word in the topic's sense? The overlap
 * of the intent mixes of the phrase's and the seed's conversations (Σ over
 * intents of the smaller share) must reach {@link SENSE_OVERLAP}. Without
 * intents on either side nothing tells the senses apart: true.
 *
 * @example
 *   // "card": 28 % delivery, 72 % billing, refund and payments; "card in the letterbox": all delivery
 *   sameSense(new Map([['delivery', 439]]), new Map([['delivery', 439], ['billing', 415], ['refund', 388], ['payment', 302]])) // false (0.28)
 */
export function sameSense(phrase: ReadonlyMap<string, number> | undefined, seed: ReadonlyMap<string, number> | undefined): boolean {
  const total = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const np = phrase ? total(phrase) : 0;
  const ns = seed ? total(seed) : 0;
  if (!np || !ns) return true;
  let overlap = 0;
  for (const [intent, n] of phrase!) overlap += Math.min(n / np, (seed!.get(intent) ?? 0) / ns);
  return overlap >= SENSE_OVERLAP - 1e-9;
}

async function writeTopicTerms(db: Warehouse, topics: readonly Topic[]): Promise<void> {
  await db.run('create or replace temp table _ins_topics (topic_id integer, topic_key varchar, name varchar, terms varchar[], labels varchar[])');
  await db.run('create or replace temp table _ins_topic_terms (topic_id integer, term varchar)');
  for (const t of topics) {
    await db.run('insert into _ins_topics values ($1, $2, $3, $4::varchar[], $5::varchar[])', [t.id, t.seed, t.name, t.terms, t.labels]);
  }
  if (topics.length) {
    await db.run(`insert into _ins_topic_terms select unnest($1::integer[]), unnest($2::varchar[])`, [
      topics.flatMap((t) => t.terms.map(() => t.id)),
      topics.flatMap((t) => t.terms),
    ]);
  }
}

/** Two topics are one when the conversations they share are at least this share of the smaller one's. */
export const MERGE_OVERLAP = 0.65;
/** …and at least this share of the conversations of either (Jaccard): a small topic inside a broad one (an incident inside "card") stays apart. */
export const MERGE_JACCARD = 0.2;
/** A phrase names a topic when at least this share of the topic's commonest term's conversations mention it. */
export const NAME_SHARE = 0.15;

/**
 * Merges near-duplicate topics: `overlaps` gives the conversations two
 * topics share, `sizes` each topic's conversations; topics sharing at least
 * {@link MERGE_OVERLAP} of the smaller one's conversations and
 * {@link MERGE_JACCARD} of both together are joined
 * (transitively), the larger one's seed and terms first. Ids are renumbered 1…n
 * in the order of the surviving topics.
 *
 * @example
 *   mergeTopics([{ id: 1, seed: 'address', terms: ['address'], … }, { id: 2, seed: 'new address', terms: ['new address'], … }],
 *     [{ a: 1, b: 2, shared: 80 }], new Map([[1, 200], [2, 100]])) // one topic, terms ['address', 'new address']
 */
export function mergeTopics(topics: readonly Topic[], overlaps: readonly { a: number; b: number; shared: number }[], sizes: ReadonlyMap<number, number>): Topic[] {
  const parent = new Map(topics.map((t) => [t.id, t.id]));
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const size = (id: number) => sizes.get(id) ?? 0;
  for (const o of overlaps) {
    const smaller = Math.min(size(o.a), size(o.b));
    if (smaller > 0 && o.shared / smaller >= MERGE_OVERLAP && o.shared / (size(o.a) + size(o.b) - o.shared) >= MERGE_JACCARD) {
      const ra = find(o.a);
      const rb = find(o.b);
      if (ra === rb) continue;
      // the root is the bigger topic (then the earlier one)
      const [keep, drop] = size(ra) > size(rb) || (size(ra) === size(rb) && ra < rb) ? [ra, rb] : [rb, ra];
      parent.set(drop, keep);
    }
  }
  const groups = new Map<number, Topic[]>();
  for (const t of topics) groups.set(find(t.id), [...(groups.get(find(t.id)) ?? []), t]);
  const out: Topic[] = [];
  for (const t of topics) {
    const members = groups.get(t.id);
    if (!members) continue;
    members.sort((x, y) => size(y.id) - size(x.id) || x.id - y.id);
    const head = members[0]!;
    const terms: string[] = [];
    const labels: string[] = [];
    for (const m of members) {
      m.terms.forEach((term, i) => {
        if (terms.includes(term)) return;
        terms.push(term);
        labels.push(m.labels[i] ?? term);
      });
    }
    out.push({ id: out.length + 1, seed: head.seed, terms, labels, name: head.name });
  }
  return out;
}

/** Longest name, in words as written. */
export const NAME_WORDS = 4;

/**
 * The terms that could name a topic, best first. The anchor is its seed (its
 * most distinctive term); then come the phrases of two or three words (of `phrases`, by df,
 * descending) holding the anchor's words that at least {@link NAME_SHARE} of
 * the anchor's conversations mention — first those whose other words are the
 * topic's terms too (`payment failed` for payment · failed · bank), then the
 * others — then the anchor itself. The first whose surface form has at most
 * {@link NAME_WORDS} words names the topic.
 */
export function nameCandidates(topic: Topic, df: ReadonlyMap<string, number>, phrases: readonly { term: string; df: number }[], max = 6): string[] {
  const anchor = topic.seed;
  const anchorDf = df.get(anchor) ?? 0;
  const anchorWords = anchor.split(' ');
  const own = new Set(topic.terms.flatMap((t) => t.split(' ')));
  const inTopic: string[] = [];
  const other: string[] = [];
  for (const p of phrases) {
    if (p.df < NAME_SHARE * anchorDf) break;
    const w = p.term.split(' ');
    if (p.term === anchor || !anchorWords.every((a) => w.includes(a))) continue;
    (w.every((x) => own.has(x)) ? inTopic : other).push(p.term);
  }
  return [...inTopic, ...other].slice(0, max).concat(anchor);
}

/** An example's text is the first customer message of at least this many characters, when there is one. */
export const MIN_EXAMPLE_CHARS = 25;
/** Characters of an example's text. */
export const EXAMPLE_CHARS = 280;
/** Conversations read per example shown, so that what many customers wrote alike (greetings and amounts aside) is shown once. */
export const EXAMPLE_POOL = 10;

/**
 * insight_topic_examples: per topic up to `perTopic` conversations — those
 * mentioning the most of its terms, newest first, each wording once — with the conversation's
 * first customer message of some length ({@link MIN_EXAMPLE_CHARS}), PII-masked (never a name, e-mail, phone,
 * handle or customer id). Runs after insight_topics exists.
 */
export async function buildExamples(db: Warehouse, perTopic: number): Promise<number> {
  const rows = await db.all<{
    topic_id: number;
    rank: number;
    source: string;
    conversation_id: string;
    month: string;
    intent: string | null;
    body: string;
    author_name: string | null;
  }>(`
    with hits as (
      select t.topic_id, k.doc, count(*) as matched
      from _ins_topic_terms t
      join _ins_kept k using (term)
      group by all
    ),
    picked as (
      select
        h.topic_id,
        h.doc,
        row_number() over (partition by h.topic_id order by h.matched desc, c.created_at desc, c.source, c.conversation_id) as rank
      from hits h
      join _ins_conv c using (doc)
      -- a few more than shown: the same text written by many customers is shown once
      qualify rank <= ${perTopic * EXAMPLE_POOL}
    ),
    first_text as (
      -- the first customer message that says something (a bare "Hi" is skipped when there is more)
      select
        doc,
        coalesce(arg_min(body, seq) filter (where length(body) >= ${MIN_EXAMPLE_CHARS}), arg_min(body, seq)) as body,
        coalesce(arg_min(author_name, seq) filter (where length(body) >= ${MIN_EXAMPLE_CHARS}), arg_min(author_name, seq)) as author_name
      from _ins_text
      semi join picked using (doc)
      group by doc
    )
    select p.topic_id, p.rank, c.source, c.conversation_id, c.month, a.intent, f.body, f.author_name
    from picked p
    join _ins_conv c using (doc)
    join first_text f using (doc)
    left join _ins_attr a using (doc)
    order by p.topic_id, p.rank`);
  await db.run(`create or replace table insight_topic_examples (
    topic_id integer, rank integer, source varchar, conversation_id varchar, month varchar, intent varchar, text varchar)`);
  const appender = await db.connection.createAppender('insight_topic_examples');
  let written = 0;
  try {
    const seen = new Map<number, Set<string>>();
    for (const r of rows) {
      const masked = maskPii(r.body, r.author_name ? [r.author_name] : [])
        .replace(/\s+/g, ' ')
        .trim();
      let texts = seen.get(r.topic_id);
      if (!texts) seen.set(r.topic_id, (texts = new Set()));
      // what the text says: its content words (greetings, amounts and references aside)
      const says = [...new Set(terms(masked, [], { masked: true, maxN: 1 }))].sort().join(' ') || masked.toLowerCase();
      if (texts.size >= perTopic || texts.has(says)) continue;
      texts.add(says);
      written++;
      appender.appendInteger(r.topic_id);
      appender.appendInteger(texts.size);
      appender.appendVarchar(r.source);
      appender.appendVarchar(r.conversation_id);
      appender.appendVarchar(r.month);
      if (r.intent === null) appender.appendNull();
      else appender.appendVarchar(r.intent);
      appender.appendVarchar(masked.length > EXAMPLE_CHARS ? `${masked.slice(0, EXAMPLE_CHARS - 1)}…` : masked);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return written;
}
