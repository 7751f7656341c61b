/**
 * `parley notebook list` and `parley notebook render FILE [--param k=v]… [--out F] [--pdf F] [--mail-to a,b]`.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CommandError, UsageError, requireBuilt, withWarehouse, type Command } from '../command.js';
import { asset } from '../../warehouse/assets.js';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../models/config.js';
import { ADDRESS, splitAddresses, type MailConfig } from '../../models/config-delivery.js';

// The renderer (marked, Plot, a DOM) loads only when a notebook command runs,
// so that every other command starts fast.
const renderer = () => import('../../notebooks/index.js');
const NOTEBOOKS_DIR = asset('notebooks');

/** `--param month=2026-10 --param team=billing` → { month: '2026-10', team: 'billing' }. */
export function parseParams(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param takes NAME=VALUE (got "${item}")`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** A notebook named by path, or by id among the shipped notebooks (`monthly-report`). */
function locate(name: string): string {
  if (existsSync(name)) return name;
  const shipped = path.join(NOTEBOOKS_DIR, name.endsWith('.md') ? name : `${name}.md`);
  if (existsSync(shipped)) return shipped;
  throw new UsageError(`no notebook "${name}": give a .md file or one of the names from 'parley notebook list'`);
}

export const notebookRenderCommand: Command = {
  name: 'notebook render',
  summary: 'render a notebook to one self-contained HTML file (and optionally a PDF)',
  usage: 'parley notebook render FILE [--param NAME=VALUE]... [--out FILE.html] [--pdf FILE.pdf] [--mail-to ADDRESS,...] [--config FILE]',
  help: `
Runs the notebook's queries on the warehouse with the given parameters (bound values, never
spliced into SQL) and writes one HTML file: inline CSS, charts as inline SVG, no script and
no network. A block that fails is shown in place with its name and the problem; the rest of
the report still renders, and the command then exits 1 after writing the file.

  FILE               a notebook .md file, or the name of a shipped one (see 'parley notebook list')
  --param NAME=VALUE a parameter (repeatable); others take their defaults (month: the latest complete month)
  --out FILE         where to write the HTML (default: stdout unless --pdf is given)
  --pdf FILE         also print it to PDF through Chromium (/usr/bin/chromium or $CHROMIUM_PATH)
  --mail-to LIST     mail it, as PDF and HTML attachments, to these addresses (comma-separated),
                     through the SMTP server under mail: in the configuration (README "Delivering reports")
  --config FILE      the configuration with mail: (default ./parley.config.yaml)

Examples:
  parley notebook render monthly-report --param month=2026-10 --out report.html
  parley notebook render notebooks/coaching-pack.md --param team=billing --pdf coaching.pdf
  parley notebook render monthly-report --mail-to head-of-support@example.com,ops@example.com`,
  options: { param: { type: 'string', multiple: true }, out: { type: 'string' }, pdf: { type: 'string' }, 'mail-to': { type: 'string' }, config: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give one notebook: parley notebook render FILE', this.name);
    const file = locate(positionals[0]!);
    const given = parseParams((values['param'] as unknown as string[] | undefined) ?? []);
    const { loadNotebook, renderNotebook } = await renderer();
    const { checkValue } = await import('../../notebooks/params.js');
    const notebook = await loadNotebook(file);
    const declared = new Map(notebook.params.map((p) => [p.name, p]));
    for (const [name, value] of Object.entries(given)) {
      const p = declared.get(name);
      if (!p)
        throw new UsageError(`unknown parameter "${name}" for ${path.basename(file)}: it takes ${notebook.params.map((q) => q.name).join(', ') || 'no parameters'}`, this.name);
      const problem = checkValue(p, value);
      if (problem) throw new UsageError(problem, this.name);
    }
    const out = values['out'] as string | undefined;
    const pdf = values['pdf'] as string | undefined;
    const mailTo = values['mail-to'] === undefined ? undefined : mailRecipients(values['mail-to'] as string, this.name);
    // the mail settings are checked before the render, so a missing server fails at once
    const mail = mailTo ? mailSettings(values['config'] as string | undefined) : undefined;
    const result = await withWarehouse(values, io, async (db) => {
      await requireBuilt(db);
      // alone, this process does nothing but render: beside the check of each query
      // (notebooks/query-guard.ts), DuckDB itself is told to read no file (for good, in this
      // process). A server loads files too, so there the check alone holds.
      if (!io.warehouse) await db.run('set enable_external_access = false');
      return renderNotebook(db, notebook, given, io.now ? { now: io.now } : {});
    });
    if (out) {
      await mkdir(path.dirname(path.resolve(out)), { recursive: true });
      await writeFile(out, result.html);
    } else if (!pdf && !mailTo) io.out.write(result.html);
    let printed: Buffer | undefined;
    if (pdf || mailTo) {
      try {
        const { renderPdf } = await import('../../notebooks/pdf.js');
        printed = await renderPdf(result.html, io.env);
      } catch (error) {
        throw new CommandError((error as Error).message);
      }
    }
    if (pdf) {
      await mkdir(path.dirname(path.resolve(pdf)), { recursive: true });
      await writeFile(pdf, printed!);
    }
    if (mailTo && mail) {
      const { deliverReport } = await import('../../delivery/report.js');
      try {
        const sent = await deliverReport(mail, mailTo, { id: notebook.id, result, pdf: printed! }, io.env);
        if (sent.rejected.length) io.err.write(`the mail server refused ${sent.rejected.join(', ')}\n`);
        io.err.write(`mailed ${result.title} as PDF and HTML to ${sent.accepted.join(', ')}\n`);
      } catch (error) {
        throw new CommandError(`the report was not mailed: ${(error as Error).message}`);
      }
    }
    const written = [out, pdf].filter(Boolean).join(' and ');
    for (const e of result.errors) io.err.write(`${path.basename(file)}: ${e.block}${/at line \d+$/.test(e.block) ? '' : ` (line ${e.line})`}: ${e.message}\n`);
    if (written)
      io.err.write(
        `wrote ${written} (${result.title}${
          Object.keys(given).length
            ? `, ${Object.entries(given)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')}`
            : ''
        })${result.errors.length ? ` with ${result.errors.length} broken block${result.errors.length > 1 ? 's' : ''}` : ''}\n`,
      );
    return result.errors.length ? 1 : 0;
  },
};

/** `a@x, b@y` → the addresses; a usage error names one that is not an address. */
function mailRecipients(list: string, command: string): string[] {
  const to = splitAddresses(list);
  if (to.length === 0) throw new UsageError('--mail-to takes addresses separated by commas: --mail-to ana@example.com,ben@example.com', command);
  for (const a of to) if (!ADDRESS.test(a)) throw new UsageError(`--mail-to: "${a}" is not an e-mail address`, command);
  return to;
}

function mailSettings(file: string | undefined): MailConfig {
  let config;
  try {
    config = loadConfig(file);
  } catch (error) {
    throw new CommandError((error as Error).message);
  }
  if (!config.mail)
    throw new CommandError(`--mail-to needs the SMTP server: add mail: (host, tls, from, user_env, password_env) to ${file ?? DEFAULT_CONFIG_FILE} (README "Delivering reports")`);
  return config.mail;
}

export const notebookListCommand: Command = {
  name: 'notebook list',
  summary: 'the shipped notebooks (or those in --dir) with their parameters',
  usage: 'parley notebook list [--dir DIR]',
  help: `
Lists the notebooks: name, title and parameters with their defaults.

  --dir DIR  a folder of notebooks (default: the ones shipped with Parley)`,
  options: { dir: { type: 'string' } },
  local: true,
  async run({ values }, io) {
    const { listNotebooks } = await renderer();
    const list = await listNotebooks((values['dir'] as string | undefined) ?? NOTEBOOKS_DIR);
    const width = Math.max(0, ...list.map((n) => n.id.length));
    for (const n of list) {
      const params = n.params.map((p) => `--param ${p.name}=${p.type === 'month' ? 'YYYY-MM' : p.type.toUpperCase()}${p.default ? ` (default ${p.default})` : ''}`).join(' ');
      io.out.write(`${n.id.padEnd(width)}  ${n.title}${params ? `\n${' '.repeat(width)}  ${params}` : ''}\n`);
    }
    return 0;
  },
};
