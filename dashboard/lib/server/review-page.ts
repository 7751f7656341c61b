/**
 * One review as the reviewed agent (and QA) read it: the score, every
 * criterion with what it asks (the rubric's guidance), the rating, the
 * reviewer's comment and root causes, and the conversation with the graded
 * agent's messages marked. Who may read it is decided here: an agent only a
 * review of themselves (never a calibration or benchmark grade), roles that
 * open conversations any review.
 *
 * @example
 *   const page = await loadReviewPage(db, 'rev_…', user); // null when there is no such review
 */
import { error } from '@sveltejs/kit';
import type { Warehouse } from '../../../warehouse/connection.js';
import { getReview, getRubric, ScorecardError, type Review } from '../../../scorecards/index.js';
import { can } from '../roles.js';
import type { Account } from './auth.js';
import { loadConversation } from './conversation.js';

/** True when `user` may read `review`. */
export function mayReadReview(user: Account, review: Pick<Review, 'kind' | 'agent_id'>): boolean {
  if (can(user.role, 'viewConversations')) return true;
  return user.role === 'agent' && review.kind === 'review' && user.agentId !== null && user.agentId !== undefined && review.agent_id === user.agentId;
}

export async function loadReviewPage(db: Warehouse, reviewId: string, user: Account) {
  let review: Review;
  try {
    review = await getReview(db, reviewId);
  } catch (e) {
    // the same answer for "no such review" and "not yours": an id says nothing about other agents
    if (e instanceof ScorecardError) error(404, 'There is no such review of yours.');
    throw e;
  }
  if (!mayReadReview(user, review)) error(404, 'There is no such review of yours.');
  const rubric = await getRubric(db, review.rubric_id, review.rubric_version);
  const defs = new Map(rubric.sections.flatMap((s) => s.criteria.map((c) => [c.id, { ...c, section: s.name }] as const)));
  const conversation = await loadConversation(db, review.source, review.conversation_id);
  return {
    review: {
      id: review.review_id,
      agent: review.agent_id,
      reviewer: review.reviewer_id,
      rubric: `${rubric.name} (v${review.rubric_version})`,
      qaScore: review.qa_score,
      autoFailed: review.auto_failed,
      comment: review.comment,
      createdAt: review.created_at.toISOString().slice(0, 16).replace('T', ' '),
      criteria: review.criteria.map((c) => {
        const d = defs.get(c.criterion);
        return {
          id: c.criterion,
          name: d?.name ?? c.criterion,
          section: d?.section ?? '',
          guidance: d?.guidance ?? '',
          rating: c.na ? 'N/A' : (c.rating ?? '–'),
          failed: c.failed,
          comment: c.comment ?? null,
          rootCauses: [...(c.root_causes ?? [])],
        };
      }),
    },
    conversation,
  };
}
