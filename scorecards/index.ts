/**
 * The scorecards API: what the dashboard, the CLI and notebooks call. Every
 * function takes the open warehouse first; request bodies are checked by zod
 * and refused with a {@link ScorecardError} (one line; `kind` says
 * not_found / conflict / invalid). People are plain string ids; agents are
 * raw_agents.agent_id (conversation_metrics.owner_agent).
 *
 * @example
 *   import { listQueue, saveReview, fileDispute, resolveDispute, addCoaching } from '../scorecards/index.js';
 *   const queue = await listQueue(db, { reviewer_id: 'ana' });
 *   const review = await saveReview(db, { sample_id: queue[0].sample_id, source: queue[0].source,
 *     conversation_id: queue[0].conversation_id, reviewer_id: 'ana', grades, time_spent_s: 200 });
 */
export { ScorecardError } from './scorecard-error.js';

// rubrics
export { parseRubric, validateRubric, criteriaOf, RubricError, rubricSchema } from './rubric-schema.js';
export type { Rubric, Section, Criterion, Scale, RubricInput } from './rubric-schema.js';
export { loadRubricFile, defaultRubric, DEFAULT_RUBRIC_FILE, RUBRICS_DIR } from './rubrics.js';
export { registerRubric, getRubric, listRubrics } from './rubric-store.js';
export type { RubricVersion } from './rubric-store.js';

// scoring
export { scoreReview, summarise, scaleRatings, scaleRange, readRating, normalise, gradeSchema, GradeError } from './scoring.js';
export type { Grade, CriterionScore, ScoredReview } from './scoring.js';

// reviews
export { saveReview, getReview, listReviews, reviewInputSchema, reviewFilterSchema } from './reviews.js';
export type { Review, ReviewInput, ReviewFilter, ReviewKind } from './reviews.js';

// sampling
export { createSample, drawSample, getSample, listSamples, listQueue, assignReviewers, sampleSize, qaScoreSpread, queueFilterSchema } from './sampling.js';
export type { Sample, SampleItem, SampleReport, SampleSummary, QueueItem, QueueFilter } from './sampling.js';
export { sampleSpecSchema, parseSampleSpec, sampleSql, CONDITIONS, RISK_WEIGHTS, SAMPLING_LIMITS } from './sampling-sql.js';
export type { SampleSpec, SampleSpecInput, SampleFilter, Condition } from './sampling-sql.js';

// calibration and agreement
export { createCalibrationSession, getCalibrationSession, listCalibrationSessions, closeCalibrationSession, sessionReviews, calibrationResults } from './calibration.js';
export type { CalibrationSession, CalibrationInput, CriterionAgreement, ReviewerDistance } from './calibration.js';
export { krippendorffAlpha, exactMatchShare } from './krippendorff.js';

// disputes and audit
export { fileDispute, resolveDispute, getDispute, listDisputes, auditTrail } from './disputes.js';
export type { Dispute, DisputeStatus, AuditEntry, FileDisputeInput, ResolveDisputeInput } from './disputes.js';

// coaching
export { addCoaching, acknowledgeCoaching, listCoaching } from './coaching.js';
export type { Coaching, CoachingInput } from './coaching.js';

// AutoQA, scorecards, spreadsheets
export { AUTOQA_CHECKS, AUTOQA_CHECK_DESCRIPTIONS, AUTOQA_LIMITS } from './autoqa-checks.js';
export type { AutoQaCheck } from './autoqa-checks.js';
export { agentScorecard } from './scorecard.js';
export type { AgentScorecard } from './scorecard.js';
export { exportSampleCsv, importGradesCsv, parseCsv } from './csv.js';
export { saveDraft, getDraft, listDrafts, deleteDraft, type Draft } from './drafts.js';
