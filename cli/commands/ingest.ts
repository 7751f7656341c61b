import path from 'node:path';
import { loadFiles, type LoadInput } from '../../ingest/load.js';
import { UsageError, oneOf, withWarehouse, type Command } from '../command.js';
import { count, progressLine } from '../progress.js';

const FORMATS = ['auto', 'canonical'] as const;
type Format = (typeof FORMATS)[number];

/** The format of a file by its name, or undefined when it cannot be told. */
export function detectFormat(file: string): Exclude<Format, 'auto'> | undefined {
  return /\.(jsonl|ndjson)(\.gz)?$/i.test(path.basename(file)) ? 'canonical' : undefined;
}

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'load conversation exports into the warehouse (bad records are quarantined, never lost)',
  usage: 'parley ingest FILE... [--format auto|canonical] [--source NAME] [--json]',
  help: `
Loads one or more files as one transaction: all of it lands, or none.
A conversation loaded again replaces the earlier one (key: source + id).
Records that break the contract go to the quarantine with file, line and reason.
A file named agents*.jsonl is read as the agent roster.

  --format F     auto (default: chosen from the file name) or canonical (.jsonl, .jsonl.gz)
  --source NAME  source for records that do not name one (default "canonical")
  --json         print one summary object: files, read, loaded, quarantined, seconds

Examples:
  parley ingest exports/2026-10.jsonl.gz --source acme-chat
  parley ingest data/*.jsonl data/agents.jsonl --json`,
  options: { format: { type: 'string' }, source: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const format = oneOf(this, 'format', values['format'], FORMATS, 'auto');
    if (positionals.length === 0) throw new UsageError('name at least one file to load', this.name);
    const source = values['source'] as string | undefined;
    if (source !== undefined && !/^[a-z0-9][a-z0-9_.-]*$/.test(source)) {
      throw new UsageError(`--source must be a lowercase name such as "zendesk" or "acme-chat" (got "${source}")`, this.name);
    }
    const inputs: LoadInput[] = positionals.map((file) => {
      const chosen = format === 'auto' ? detectFormat(file) : format;
      if (!chosen) {
        throw new UsageError(
          `cannot tell the format of ${file} from its name: canonical files end in .jsonl or .jsonl.gz; pass --format canonical to read it as JSON Lines`,
          this.name,
        );
      }
      return { file, format: chosen };
    });
    if (format === 'auto' && !values['json']) {
      io.err.write(`reading ${inputs.length === 1 ? inputs[0]!.file : `${inputs.length} files`} as canonical JSON Lines (chosen from the file name; --format to choose)\n`);
    }
    const progress = progressLine(io.err);
    const summary = await withWarehouse(values, io, (db) =>
      loadFiles(db, inputs, {
        ...(source ? { source } : {}),
        onProgress: (p) =>
          progress.update(
            p.phase === 'reading'
              ? `reading ${path.basename(p.file ?? '')}: ${count(p.records)} records (${count(p.records / Math.max(p.seconds, 0.001))}/s)`
              : `${p.phase} ${count(p.records)} records…`,
          ),
      }),
    );
    progress.done();
    const failed = summary.perFile.filter((f) => f.failed);
    if (values['json']) {
      const { files, read, loaded, quarantined, seconds } = summary;
      io.out.write(JSON.stringify({ files, read, loaded, quarantined, seconds }) + '\n');
    } else {
      const rate = summary.read / Math.max(summary.seconds, 0.001);
      io.out.write(
        `loaded ${count(summary.loaded)} of ${count(summary.read)} records from ${summary.files} file${summary.files === 1 ? '' : 's'} ` +
          `in ${summary.seconds.toFixed(1)} s (${count(rate)} records/s)` +
          (summary.replaced ? `; ${count(summary.replaced)} conversations replaced an earlier load` : '') +
          '\n',
      );
      if (summary.quarantined) {
        io.out.write(
          `${count(summary.quarantined)} records quarantined; see them with:\n  parley sql "select file, line, reason from quarantine where load_id = ${summary.loadId}"\n`,
        );
      }
    }
    for (const f of summary.perFile) {
      if (f.problem) io.err.write(`${f.failed ? 'error' : 'note'}: ${f.problem}\n`);
    }
    return failed.length ? 1 : 0;
  },
};
