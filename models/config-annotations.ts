/**
 * `annotations:` in parley.config.yaml: dates a team wants on its trend
 * charts and in the monthly report (releases, outages, policy changes), each
 * drawn as a labelled vertical rule. A build writes them to the table
 * `config_annotations`, which models/annotations.ts reads with the emerging
 * topics of insights.
 *
 * @example
 *   annotations:
 *     - { date: 2026-03-09, label: Release 4.2, kind: release }
 *     - { date: 2026-10-14, label: Login outage, kind: outage, channel: chat }
 *     - { date: 2026-11-01, label: New refund policy, kind: policy, team: Billing }
 */
import { z } from 'zod';
import type { Warehouse } from '../warehouse/connection.js';

export const ANNOTATION_KINDS = ['release', 'outage', 'policy', 'incident', 'other'] as const;

// YAML reads an unquoted 2026-03-09 as a date: take it back to the day it names
const day = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v),
  z.iso.date({ error: 'write the date as YYYY-MM-DD (for example date: 2026-03-09)' }),
);

export const annotationConfig = z
  .object({
    date: day,
    label: z
      .string({ error: 'give the annotation a label (what happened, in a few words)' })
      .min(1, { error: 'give the annotation a label (what happened, in a few words)' })
      .max(80, { error: 'keep a label under 80 characters: it is drawn on the chart' }),
    kind: z.enum(ANNOTATION_KINDS, { error: `kind is one of ${ANNOTATION_KINDS.join(', ')}` }).default('other'),
    /** Only on the charts of this team (or with no team filter); default: every chart. */
    team: z.string().min(1).optional(),
    /** Only on the charts of this channel (or with no channel filter). */
    channel: z.string().min(1).optional(),
  })
  .strict();

export const annotationsConfig = z.array(annotationConfig).default([]);
export type AnnotationConfig = z.infer<typeof annotationConfig>;

/** Writes `config_annotations` (date, label, kind, team, channel), one row per configured annotation. */
export async function writeAnnotationTable(db: Warehouse, annotations: readonly AnnotationConfig[]): Promise<void> {
  await db.run('create or replace table config_annotations (day date not null, label varchar not null, kind varchar not null, team varchar, channel varchar)');
  for (const a of annotations) {
    await db.run('insert into config_annotations values ($1::date, $2, $3, $4, $5)', [a.date, a.label, a.kind, a.team ?? null, a.channel ?? null]);
  }
}
