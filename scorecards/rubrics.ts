/**
 * Rubric files: the default messaging rubric shipped with Parley, and
 * loading any rubric YAML file with messages that name the file.
 *
 * @example
 *   const rubric = loadRubricFile(DEFAULT_RUBRIC_FILE);
 *   rubric.id; // 'messaging_default'
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { asset } from '../warehouse/assets.js';
import { parseRubric, RubricError, type Rubric } from './rubric-schema.js';

export const RUBRICS_DIR = asset('scorecards', 'rubrics');
export const DEFAULT_RUBRIC_FILE = path.join(RUBRICS_DIR, 'messaging-default.yaml');

/** Reads and validates one rubric YAML file; throws {@link RubricError}. */
export function loadRubricFile(file: string): Rubric {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new RubricError(file, ['cannot read the file: check the path']);
  }
  return parseRubric(text, file);
}

/** The default messaging rubric. */
export function defaultRubric(): Rubric {
  return loadRubricFile(DEFAULT_RUBRIC_FILE);
}
