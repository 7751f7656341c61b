/**
 * Drafts: a reviewer leaves a sample item half graded and comes back to it.
 * The form's ratings and comments so far are kept per reviewer and item; the
 * saved review removes its draft. A draft scores nothing and is in no mart.
 *
 * @example
 *   await saveDraft(db, { sample_id: 'smp_…', position: 3, reviewer_id: 'ana', form: { 'rating:clarity': '3' } }, now);
 *   (await getDraft(db, 'smp_…', 3, 'ana'))?.form['rating:clarity']; // '3'
 */
import type { Warehouse } from '../warehouse/connection.js';
import { tables } from '../warehouse/tables.js';

export interface Draft {
  sample_id: string;
  position: number;
  reviewer_id: string;
  /** form field → value: `rating:<criterion>`, `comment:<criterion>`, `comment` */
  form: Record<string, string>;
  saved_at: Date;
}

/** Keeps only what a rubric form holds: ratings and comments, at most 1,000 fields of 4,000 characters. */
function formFields(form: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(form)
      .filter(([k, v]) => (k === 'comment' || k.startsWith('rating:') || k.startsWith('comment:')) && v !== '')
      .slice(0, 1000)
      .map(([k, v]) => [k.slice(0, 200), v.slice(0, 4000)]),
  );
}

/** Stores (or replaces) the reviewer's draft of a sample item. */
export async function saveDraft(db: Warehouse, draft: Omit<Draft, 'saved_at'>, now = new Date()): Promise<Draft> {
  const form = formFields(draft.form);
  const t = tables(db);
  await db.transaction(async () => {
    await t.deleteFrom('qa_review_drafts').where('sample_id', '=', draft.sample_id).where('position', '=', draft.position).where('reviewer_id', '=', draft.reviewer_id).execute();
    await t
      .insertInto('qa_review_drafts')
      .values({ sample_id: draft.sample_id, position: draft.position, reviewer_id: draft.reviewer_id, form: JSON.stringify(form), saved_at: now })
      .execute();
  });
  return { ...draft, form, saved_at: now };
}

/** The reviewer's draft of a sample item, if any. */
export async function getDraft(db: Warehouse, sampleId: string, position: number, reviewerId: string): Promise<Draft | undefined> {
  const row = await tables(db)
    .selectFrom('qa_review_drafts')
    .selectAll()
    .where('sample_id', '=', sampleId)
    .where('position', '=', position)
    .where('reviewer_id', '=', reviewerId)
    .executeTakeFirst();
  return row ? { ...row, form: JSON.parse(row.form) as Record<string, string> } : undefined;
}

/** The reviewer's drafts, the latest first. */
export async function listDrafts(db: Warehouse, reviewerId: string): Promise<Draft[]> {
  const rows = await tables(db).selectFrom('qa_review_drafts').selectAll().where('reviewer_id', '=', reviewerId).orderBy('saved_at', 'desc').execute();
  return rows.map((r) => ({ ...r, form: JSON.parse(r.form) as Record<string, string> }));
}

/** Removes the reviewer's draft of a sample item (the review was saved). */
export async function deleteDraft(db: Warehouse, sampleId: string, position: number, reviewerId: string): Promise<void> {
  await tables(db).deleteFrom('qa_review_drafts').where('sample_id', '=', sampleId).where('position', '=', position).where('reviewer_id', '=', reviewerId).execute();
}
