/**
 * `parley sync PLATFORM`: one run of an API sync (sync/), from the stored
 * cursor to the end of the platform's pages, each page landing with its
 * cursor. The account comes from `syncs:` of parley.config.yaml, the
 * credentials from the environment or the sync's `credentials_file:` —
 * never from the command line.
 */
import path from 'node:path';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../models/config.js';
import { SYNC_PLATFORMS, findSync, type SyncPlatform } from '../../models/config-sync.js';
import { LoadError } from '../../ingest/load.js';
import { readCredentials } from '../../sync/credentials.js';
import { SyncError } from '../../sync/http.js';
import { PLATFORM_SYNCS } from '../../sync/index.js';
import { runSync } from '../../sync/run.js';
import { CommandError, UsageError, withWarehouse, type Command } from '../command.js';
import { count, progressLine } from '../progress.js';

export const syncCommand: Command = {
  name: 'sync',
  summary: 'load what changed on a platform since the last sync, through its API (Zendesk, Intercom, Chatwoot); resumes from the stored cursor',
  usage: 'parley sync zendesk|intercom|chatwoot [--source NAME] [--config FILE] [--full] [--json]',
  help: `
Asks the platform's API for the records changed since the last sync (its cursor is kept in
the warehouse, table sync_state), a page at a time, and loads each page through the same
adapter, checks, quarantine and load log as \`parley ingest --format PLATFORM\`. A page and
its cursor land together or not at all: a sync that stops (a refused token, a wrong
subdomain, a changed response, a server that keeps failing) says what to fix in one line,
and the next run resumes after the last page that landed. Rate limits (429 Retry-After, the
rate headers) are waited out; 5xx answers and timeouts are retried with backoff.

The account is the syncs: entry of parley.config.yaml for the platform (or --source NAME);
credentials come from the environment or that entry's credentials_file: (NAME=value lines):
  zendesk   ZENDESK_EMAIL, ZENDESK_TOKEN (an API token), and ZENDESK_SUBDOMAIN unless the
            entry gives subdomain: or base_url:
  intercom  INTERCOM_TOKEN (an access token); base_url: https://api.eu.intercom.io or
            https://api.au.intercom.io for a workspace hosted there
  chatwoot  CHATWOOT_TOKEN (a user's access token), and CHATWOOT_ACCOUNT_ID unless the entry
            gives account_id:; base_url: for a self-hosted installation (default app.chatwoot.com)

  --source NAME  the sync (its syncs: entry, and the source of its conversations);
                 default: the platform's one entry, else the platform's name
  --config FILE  the configuration (default ./parley.config.yaml)
  --full         start from the beginning (start_time:), not from the stored cursor
  --json         print one summary object: pages, read, loaded, quarantined, removed, seconds

Examples:
  ZENDESK_SUBDOMAIN=acme ZENDESK_EMAIL=ops@acme.example ZENDESK_TOKEN=… parley sync zendesk
  parley sync zendesk --source acme-support --full
  INTERCOM_TOKEN=… parley sync intercom
  CHATWOOT_TOKEN=… CHATWOOT_ACCOUNT_ID=1 parley sync chatwoot`,
  options: { source: { type: 'string' }, config: { type: 'string' }, full: { type: 'boolean' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError(`name one platform to sync: ${SYNC_PLATFORMS.join(', ')}`, this.name);
    const platform = positionals[0]! as SyncPlatform;
    if (!(SYNC_PLATFORMS as readonly string[]).includes(platform))
      throw new UsageError(`"${platform}" is not a platform Parley syncs: name one of ${SYNC_PLATFORMS.join(', ')}`, this.name);
    const factory = PLATFORM_SYNCS[platform];
    if (!factory) throw new CommandError(`the ${platform} sync is not built yet: load its API export with parley ingest --format ${platform}`);
    const given = values['source'] as string | undefined;
    if (given !== undefined && !/^[a-z0-9][a-z0-9_.-]*$/.test(given)) {
      throw new UsageError(`--source must be a lowercase name such as "zendesk" or "acme-support" (got "${given}")`, this.name);
    }
    const configFile = values['config'] as string | undefined;
    let found: ReturnType<typeof findSync>;
    try {
      found = findSync(loadConfig(configFile).syncs, platform, given);
    } catch (error) {
      throw new CommandError((error as Error).message.split('\n')[0]!);
    }
    const { source, settings } = found;
    const base = path.dirname(path.resolve(configFile ?? DEFAULT_CONFIG_FILE));
    const progress = progressLine(io.err);
    try {
      const credentials = readCredentials(factory.variables(settings), {
        env: io.env,
        file: settings.credentials_file ? path.resolve(base, settings.credentials_file) : undefined,
      });
      let records = 0;
      let pages = 0;
      const sync = factory.create(settings, credentials, {
        onWait: (ms, why) => {
          if (ms >= 1000) io.err.write(`${why}\n`);
        },
        onRecord: (n) => {
          records = n;
          progress.update(`${factory.label}: page ${pages + 1}, ${count(records)} records fetched…`);
        },
      });
      const summary = await withWarehouse(values, io, (db) =>
        runSync(db, sync, {
          source,
          ...(values['full'] ? { full: true } : {}),
          ...(io.now ? { now: io.now } : {}),
          onPage: (p) => {
            pages = p.page;
            progress.update(`${factory.label}: ${p.page} page${p.page === 1 ? '' : 's'} landed, ${count(p.loaded)} records loaded`);
          },
        }),
      );
      progress.done();
      if (values['json']) {
        const { pages: n, read, loaded, quarantined, removed, seconds } = summary;
        io.out.write(JSON.stringify({ pages: n, read, loaded, quarantined, removed, seconds }) + '\n');
      } else {
        io.out.write(
          `synced ${platform} (source ${source}) ${summary.resumed ? 'from the stored cursor' : 'from the start'}: ${summary.pages} page${summary.pages === 1 ? '' : 's'}, ` +
            `loaded ${count(summary.loaded)} of ${count(summary.read)} records in ${summary.seconds.toFixed(1)} s` +
            (summary.removed ? `; ${count(summary.removed)} conversation${summary.removed === 1 ? '' : 's'} removed (deleted or merged on ${platform})` : '') +
            '\n',
        );
        if (summary.quarantined) {
          io.out.write(
            `${count(summary.quarantined)} records quarantined; see them with:\n  parley sql "select file, line, reason from quarantine where load_id in (${summary.loadIds.join(', ')})"\n`,
          );
        }
      }
      return 0;
    } catch (error) {
      progress.done();
      if (error instanceof SyncError || error instanceof LoadError) throw new CommandError(error.message);
      throw error;
    }
  },
};
