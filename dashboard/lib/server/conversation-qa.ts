/**
 * QA beside a conversation: its AutoQA checks (the `qa_autoqa` mart) and its
 * reviews (through scorecards/). Nothing is scored here.
 *
 * @example
 *   const qa = await loadConversationQa(db, 'demo', 'c_000123');
 *   qa.checks; // [{ check: 'greeting', description: '…', passed: true }, …]
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { AUTOQA_CHECKS, AUTOQA_CHECK_DESCRIPTIONS, listReviews } from '../../../scorecards/index.js';
import { cachedAll, martsBuilt } from './mart-query.js';

export interface ConversationQa {
  checks: { check: string; description: string; passed: boolean | null }[];
  autoqaScore: number | null;
  reviews: {
    reviewId: string;
    reviewer: string;
    kind: string;
    score: number | null;
    autoFailed: boolean;
    comment: string | null;
    createdAt: string;
  }[];
}

/** With `ownAgent` (an agent reading), only that agent's reviews (kind review): no calibration grade, no one else's. */
export async function loadConversationQa(db: Warehouse, source: string, id: string, ownAgent?: string): Promise<ConversationQa> {
  const auto = (await martsBuilt(db, 'qa_autoqa')) ? (await cachedAll(db, 'select * from qa_autoqa where source = $1 and conversation_id = $2', [source, id]))[0] : undefined;
  const reviews = await listReviews(db, { source, conversation_id: id, limit: 50, ...(ownAgent ? { agent_id: ownAgent, kind: 'review' as const } : {}) });
  return {
    checks: auto ? AUTOQA_CHECKS.map((c) => ({ check: c, description: AUTOQA_CHECK_DESCRIPTIONS[c], passed: (auto[c] as boolean | null) ?? null })) : [],
    autoqaScore: (auto?.['autoqa_score'] as number | null | undefined) ?? null,
    reviews: reviews.map((r) => ({
      reviewId: r.review_id,
      reviewer: r.reviewer_id,
      kind: r.kind,
      score: r.qa_score,
      autoFailed: r.auto_failed,
      comment: r.comment,
      createdAt: r.created_at.toISOString().slice(0, 16).replace('T', ' '),
    })),
  };
}
