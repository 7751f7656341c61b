/**
 * The mapping file (YAML) that lets any CSV or JSON export be loaded: it
 * names the export's columns for the canonical fields, and maps values
 * (author roles, statuses, channels) to canonical ones. For nested JSON
 * (one record per conversation), `messages:` names the array of messages and
 * the columns are paths or DuckDB expressions (`nested-source.ts`); `events:`
 * and `surveys:` name arrays beside it. Validated by zod; every mistake is
 * reported as one line naming the file and the key.
 *
 * @example
 *   const mapping = readMapping('examples/freshdesk-mapping.yaml');
 *   mapping.columns.conversation_id   // 'ticket_id'
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { PRIORITIES, ROLES, STATUSES } from '../canonical-schema.js';
import { AdapterError } from './types.js';

const name = z.string().min(1, { error: 'must name a column' });
/**
 * Where a field's value comes from: a column (flat files), or a path for
 * nested records (`datetime` or `@.datetime` in the message, `$.dialogHeader.sessionID`
 * in its conversation record), or `{ sql: … }`, a DuckDB expression over
 * `message` and `record` (both JSON) — see `expressions.ts`.
 */
const column = z.union([name, z.object({ sql: z.string().min(1, { error: 'must be a DuckDB expression' }) }).strict()], {
  error: 'must name a column (or path), or be { sql: "a DuckDB expression" }',
});
const word = z.string().regex(/^[a-z0-9][a-z0-9_]*$/, { error: 'must be a lowercase word such as "email"' });

export const mappingSchema = z
  .object({
    /** csv, or json (JSON Lines or one JSON array of records); default: from the file's extension. */
    format: z.enum(['csv', 'json']).optional(),
    /** The `source` of the loaded conversations (default "mapping"; --source wins). */
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, { error: 'must be a lowercase name such as "freshdesk"' })
      .optional(),
    /**
     * How timestamps are written: `iso` (ISO 8601, the default; `2026-10-04 09:15:00` too),
     * `epoch` / `epoch_ms` (Unix seconds / milliseconds), or a strptime format such as `%d/%m/%Y %H:%M`.
     * Timestamps without an offset are UTC.
     */
    timestamp_format: z.string().min(1).default('iso'),
    /**
     * Nested JSON: the path in each record (one conversation) to the array of
     * its messages, such as `dialogContent` or `_embedded.threads`. Columns are then
     * paths into each message, or into the record with `$.`.
     */
    messages: z
      .string()
      .regex(/^[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+)*$/, { error: 'must be a path such as "dialogContent" or "_embedded.threads"' })
      .optional(),
    /**
     * Nested JSON: where the conversations are when each JSON value of the file
     * is a page of them, as APIs answer (`_embedded.conversations` for Help
     * Scout, `_results` for Front); default: each value is one conversation.
     */
    records: z.string().min(1, { error: 'must be a path such as "_embedded.conversations"' }).optional(),
    /**
     * Nested JSON: an array of events beside the messages (status changes,
     * assignments), each read like a message row without a body: a status
     * event when its status differs from the previous one, an assignment when
     * its assignee or team does; an event with neither (a tag, a comment) is
     * left out. The conversation id is read as for messages unless given here.
     */
    events: z
      .object({
        path: z.string().min(1, { error: 'must be a path such as "events"' }),
        columns: z.object({ timestamp: column, conversation_id: column.optional(), status: column.optional(), assignee: column.optional(), team: column.optional() }).strict(),
      })
      .strict()
      .optional(),
    /**
     * Nested JSON: an array of survey answers in each record (CSAT, CES, NPS).
     * `kind` is the survey's kind for every answer unless `columns.kind` reads
     * it; `scale` is the lowest and highest answer (default: csat 1–5, ces
     * 1–7, nps 0–10).
     */
    surveys: z
      .object({
        path: z.string().min(1, { error: 'must be a path such as "ratings"' }),
        kind: z.enum(['csat', 'ces', 'nps'], { error: 'must be csat, ces or nps' }).default('csat'),
        scale: z.tuple([z.number(), z.number()]).optional(),
        columns: z.object({ timestamp: column, score: column, comment: column.optional(), kind: column.optional(), conversation_id: column.optional() }).strict(),
      })
      .strict()
      .optional(),
    /** Export column for each canonical field. Each row is one message and/or one change of status or assignee. */
    columns: z
      .object({
        conversation_id: column,
        timestamp: column,
        author_role: column,
        body: column,
        message_id: column.optional(),
        author_id: column.optional(),
        author_name: column.optional(),
        customer_id: column.optional(),
        channel: column.optional(),
        status: column.optional(),
        assignee: column.optional(),
        team: column.optional(),
        internal: column.optional(),
        subject: column.optional(),
        intent: column.optional(),
        priority: column.optional(),
        /** The customer's company or account (customer.account); the latest non-empty value counts. */
        account: column.optional(),
        /** Free labels: a JSON array, or text separated by commas, semicolons or |; every row's tags count. */
        tags: column.optional(),
      })
      .strict(),
    /** Value maps: export value → canonical value. */
    values: z
      .object({
        author_role: z.record(z.string(), z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` })),
        status: z.record(z.string(), z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` })).optional(),
        channel: z.record(z.string(), word).optional(),
        /** Export priority → low, normal, high, urgent (default: those four, and medium → normal). */
        priority: z.record(z.string(), z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}` })).optional(),
        /** Values of the internal column that mean "a private note" (default: true, 1, yes). */
        internal: z.array(z.string()).optional(),
      })
      .strict(),
    /** Channel for conversations whose rows name none. */
    default_channel: word.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.surveys && !m.messages) ctx.addIssue({ code: 'custom', path: ['surveys'], message: 'needs nested records: set messages: too' });
    if (m.events && !m.messages) ctx.addIssue({ code: 'custom', path: ['events'], message: 'needs nested records: set messages: too' });
    if (m.messages && m.format === 'csv') ctx.addIssue({ code: 'custom', path: ['messages'], message: 'needs JSON records: a CSV row cannot hold an array of messages' });
    if (!m.columns.channel && !m.default_channel) {
      ctx.addIssue({ code: 'custom', path: ['default_channel'], message: 'is needed when columns.channel is not set (for example default_channel: email)' });
    }
  });

export type Mapping = z.infer<typeof mappingSchema>;
/** A field's source as the mapping gives it. */
export type ColumnSource = NonNullable<Mapping['columns'][keyof Mapping['columns']]>;

/** Reads and checks a mapping file; a mistake is an {@link AdapterError} naming the file and the key. */
export function readMapping(file: string): Mapping {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AdapterError(
      code === 'ENOENT' ? `the mapping file ${file} does not exist: check the path given to --mapping` : `the mapping file ${file} cannot be read: ${(error as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new AdapterError(`the mapping file ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = mappingSchema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.map(String).join('.');
    throw new AdapterError(`the mapping file ${file}: ${where ? `${where}: ` : ''}${issue.message}`);
  }
  return result.data;
}
