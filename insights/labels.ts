/**
 * Labels as customers write them. A stemmed term (`track number updat`) is
 * shown as its most frequent surface form — the words customers wrote from
 * its first to its last content word (`tracking number not updated`) — counted
 * over a sample of the conversations that mention it. Only the few hundred
 * terms that are shown (topics, emerging items) are looked up, after the main
 * text pass, so the hot path keeps no phrase strings.
 */
import type { Warehouse } from '../warehouse/connection.js';
import { maskPii, terms } from './text.js';

/** Conversations read per term to find its surface forms. */
export const SURFACE_SAMPLE = 60;

/**
 * The most frequent surface form of each term (ties: the shorter, then
 * alphabetical), from up to {@link SURFACE_SAMPLE} conversations of
 * `_ins_kept` per term (a fixed sample: the same data give the same labels).
 * A term never seen falls back to `fallback(term)`.
 *
 * @example
 *   const labels = await surfaceLabels(db, ['card declin'], (t) => t); // Map { 'card declin' => 'card declined' }
 */
export async function surfaceLabels(db: Warehouse, wanted: readonly string[], fallback: (term: string) => string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(wanted)];
  if (!unique.length) return out;
  const rows = await db.all<{ term: string; body: string; author_name: string | null }>(
    `with wanted as (select unnest($1::varchar[]) as term),
     picked as (
       select k.term, k.doc
       from _ins_kept k semi join wanted using (term)
       qualify row_number() over (partition by k.term order by hash(k.doc), k.doc) <= ${SURFACE_SAMPLE}
     )
     select p.term, t.body, t.author_name
     from picked p join _ins_text t using (doc)
     order by p.term, t.doc, t.seq`,
    [unique],
  );
  const counts = new Map<string, Map<string, number>>();
  for (const { term, body, author_name: author } of rows) {
    const surfaces: string[] = [];
    const found = terms(maskPii(body, author ? [author] : []), [], { masked: true, surfaces });
    let m = counts.get(term);
    for (let i = 0; i < found.length; i++) {
      if (found[i] !== term) continue;
      if (!m) counts.set(term, (m = new Map()));
      const s = surfaces[i]!;
      m.set(s, (m.get(s) ?? 0) + 1);
    }
  }
  for (const term of unique) {
    let best: string | undefined;
    let n = 0;
    for (const [s, c] of counts.get(term) ?? []) {
      if (best === undefined || c > n || (c === n && (s.length < best.length || (s.length === best.length && s < best)))) {
        best = s;
        n = c;
      }
    }
    out.set(term, best ?? fallback(term));
  }
  return out;
}
