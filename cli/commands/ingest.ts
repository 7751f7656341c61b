import path from 'node:path';
import { stat } from 'node:fs/promises';
import { LoadError, loadFiles, notAFile, outOfMemory, type LoadInput } from '../../ingest/load.js';
import { loadedText, refusedText } from '../../ingest/summary-text.js';
import { ADAPTERS, detectFormat } from '../../ingest/adapters/index.js';
import { AdapterError, type Format, type Prepared } from '../../ingest/adapters/types.js';
import { CommandError, UsageError, oneOf, withWarehouse, type Command } from '../command.js';
import { count, progressLine } from '../progress.js';

const FORMATS = ['auto', 'canonical', 'zendesk', 'intercom', 'chatwoot', 'twcs', 'servicenow', 'mapping'] as const;

/** DuckDB's memory during a load: the loader works in chunks and parts well inside it. */
export const DEFAULT_MEMORY_LIMIT = '2GB';

const FORMAT_NAMES: Record<Format, string> = {
  canonical: 'canonical JSON Lines',
  zendesk: 'Zendesk',
  intercom: 'Intercom',
  chatwoot: 'Chatwoot',
  twcs: 'Twitter support threads (twcs)',
  servicenow: 'ServiceNow incident audit log',
  mapping: 'a mapped CSV/JSON export',
};

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'load conversation exports into the warehouse (bad records are quarantined, never lost)',
  usage: 'parley ingest FILE... [--format auto|canonical|zendesk|intercom|chatwoot|twcs|servicenow|mapping] [--mapping FILE] [--source NAME] [--memory-limit SIZE] [--json]',
  help: `
Loads one or more files (or export folders) as one transaction: all of it lands, or none.
A file that is missing, cut off (a truncated .gz), changed while it is read, not UTF-8
(UTF-16 is named, with the iconv command that converts it) or not a regular file (a pipe)
stops the whole load: exit status 1, each such file named on stderr, nothing loaded.
A conversation loaded again replaces the earlier one (key: source + id); one id twice in a
file: the last record is loaded, the earlier copies are quarantined as duplicates.
Records that break the contract go to the quarantine with file, line and reason.
A file named agents*.jsonl is read as the agent roster.
Loading conversations of another source than "demo" into a demo warehouse (\`parley demo\`)
disables its demo accounts and removes the demo mark and banner.

  --format F      auto (default: told from the name, header or contents, and said on stderr),
                  canonical (.jsonl, .jsonl.gz), zendesk (API JSON with audits, or a folder of
                  Fivetran/Airbyte tables), intercom (API JSON, or a folder of Fivetran tables),
                  chatwoot (API JSON), twcs (Twitter support CSV), servicenow (incident audit log
                  CSV), mapping (any CSV/JSON, with --mapping)
  --mapping FILE  YAML naming the export's columns (see ingest/adapters/examples/freshdesk-mapping.yaml)
  --source NAME   source for records that do not name one (default: the format's name, or "canonical")
  --memory-limit SIZE
                  the most memory DuckDB may use for the load (default ${DEFAULT_MEMORY_LIMIT}); work beyond it
                  goes to temporary files beside the warehouse, so a larger export needs no larger machine
  --json          print one summary object: files, read, loaded, quarantined, seconds

Examples:
  parley ingest exports/2026-10.jsonl.gz --source acme-chat
  parley ingest exports/zendesk/                       # a folder of ticket.csv, ticket_comment.csv, …
  parley ingest twcs.csv incident_event_log.csv.gz
  parley ingest tickets.csv --mapping freshdesk-mapping.yaml`,
  options: { format: { type: 'string' }, mapping: { type: 'string' }, source: { type: 'string' }, 'memory-limit': { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const format = oneOf(this, 'format', values['format'], FORMATS, 'auto');
    if (positionals.length === 0) throw new UsageError('name at least one file to load', this.name);
    const source = values['source'] as string | undefined;
    if (source !== undefined && !/^[a-z0-9][a-z0-9_.-]*$/.test(source)) {
      throw new UsageError(`--source must be a lowercase name such as "zendesk" or "acme-chat" (got "${source}")`, this.name);
    }
    const memoryLimit = (values['memory-limit'] as string | undefined) ?? DEFAULT_MEMORY_LIMIT;
    if (!/^\d+(\.\d+)?\s*(MB|GB|TB|MiB|GiB|TiB)$/i.test(memoryLimit)) {
      throw new UsageError(`--memory-limit takes a size such as 2GB or 512MB (got "${memoryLimit}")`, this.name);
    }
    const mapping = values['mapping'] as string | undefined;
    if (format === 'mapping' && !mapping) throw new UsageError('--format mapping needs --mapping FILE (a YAML file naming the columns)', this.name);
    if (mapping && format !== 'auto' && format !== 'mapping') throw new UsageError(`--mapping goes with --format mapping (got --format ${format})`, this.name);

    // 1. The format of each path, before the warehouse is opened (a pipe cannot be read twice: refused first).
    for (const file of positionals) {
      const s = await stat(file).catch(() => undefined);
      if (s && !s.isFile() && !s.isDirectory()) throw new CommandError(notAFile(file, s.isFIFO()));
    }
    const chosen: { file: string; format: Format; why?: string }[] = [];
    for (const file of positionals) {
      if (format !== 'auto') {
        chosen.push({ file, format });
        continue;
      }
      if (mapping) {
        chosen.push({ file, format: 'mapping', why: 'a mapping file was given' });
        continue;
      }
      const detected = await detectFormat(file);
      if (!detected) {
        throw new UsageError(
          `cannot tell the format of ${file} from its name or contents: pass --format (canonical, zendesk, intercom, chatwoot, twcs, servicenow), or --mapping FILE for any other CSV or JSON export`,
          this.name,
        );
      }
      chosen.push({ file, ...detected });
    }
    if (format === 'auto' && !values['json']) {
      for (const c of chosen) io.err.write(`reading ${c.file} as ${FORMAT_NAMES[c.format]} (${c.why}; --format to choose)\n`);
    }

    // 2. Adapters stage their exports, then one load takes everything.
    const progress = progressLine(io.err);
    const summary = await withWarehouse(values, io, async (db) => {
      await db.run(`set memory_limit = '${memoryLimit}'`);
      const inputs: LoadInput[] = [];
      const prepared: Prepared[] = [];
      try {
        for (const f of FORMATS) {
          if (f === 'auto') continue;
          const files = chosen.filter((c) => c.format === f).map((c) => c.file);
          if (files.length === 0) continue;
          if (f === 'canonical') {
            inputs.push(...files.map((file) => ({ file, format: 'canonical' })));
            continue;
          }
          progress.update(`reading ${files.length === 1 ? path.basename(files[0]!) : `${files.length} ${f} files`} as ${FORMAT_NAMES[f]}…`);
          const p = await ADAPTERS[f].prepare(db, files, { ...(source ? { source } : {}), ...(mapping ? { mapping } : {}) });
          prepared.push(p);
          inputs.push(...p.inputs);
        }
        return await loadFiles(db, inputs, {
          ...(source ? { source } : {}),
          ...(io.now ? { now: io.now } : {}),
          onProgress: (p) =>
            progress.update(
              p.phase === 'reading'
                ? `reading ${path.basename(p.file ?? '')}: ${count(p.records)} records (${count(p.records / Math.max(p.seconds, 0.001))}/s)`
                : `${p.phase} ${count(p.records)} records…`,
            ),
        });
      } catch (error) {
        if (error instanceof AdapterError || error instanceof LoadError) throw new CommandError(error.message);
        const oom = outOfMemory(error);
        if (oom) throw new CommandError(`${oom} (the limit is ${memoryLimit})`);
        throw error;
      } finally {
        for (const p of prepared) await p.cleanup();
      }
    });
    progress.done();
    if (values['json']) {
      const { files, read, loaded, quarantined, seconds } = summary;
      io.out.write(JSON.stringify({ files, read, loaded, quarantined, seconds }) + '\n');
    } else {
      const rate = summary.read / Math.max(summary.seconds, 0.001);
      io.out.write(
        `${loadedText(summary)} from ${summary.files} file${summary.files === 1 ? '' : 's'} ` +
          `in ${summary.seconds.toFixed(1)} s (${count(rate)} records/s)` +
          (summary.replaced ? `; ${count(summary.replaced)} conversations replaced an earlier load` : '') +
          (summary.removed
            ? `; ${count(summary.removed)} conversation${summary.removed === 1 ? '' : 's'} of earlier loads removed (deleted, merged or gone from a full snapshot)`
            : '') +
          '\n',
      );
      if (summary.quarantined) {
        const dup = summary.duplicates
          ? ` (${count(summary.duplicates)} duplicate record${summary.duplicates === 1 ? '' : 's'} quarantined: a later record of the same conversation in the same file was loaded)`
          : '';
        io.out.write(`${refusedText(summary)} and quarantined${dup}; see them with:\n  parley sql "select file, line, reason from quarantine where load_id = ${summary.loadId}"\n`);
      }
    }
    for (const f of summary.perFile) {
      if (f.problem) io.err.write(`note: ${f.problem}\n`);
    }
    const demo = summary.demoAccountsDisabled;
    if (demo) {
      io.err.write(
        `note: the warehouse held demo data only, so it is no longer marked as a demo` +
          (demo.length ? ` and its demo accounts are disabled (${demo.join(', ')}); add your own with parley user add NAME --role admin\n` : '\n'),
      );
    }
    return 0;
  },
};
