import path from 'node:path';
import { buildFromLake } from '../../lake/build.js';
import { loadConfig } from '../../models/config.js';
import { buildWarehouse } from '../../models/incremental.js';
import { phaseTimer, phaseTotals } from '../../models/build.js';
import { outOfMemory } from '../../ingest/load.js';
import { CommandError, withWarehouse, type Command } from '../command.js';
import { evaluateAlerts } from '../alerts-hook.js';
import { applyMemoryLimit, memoryLimitOption } from '../memory-limit.js';

export const buildCommand: Command = {
  name: 'build',
  summary: 'run the SQL models: staging → intermediate → marts (conversation_metrics, metric_summary)',
  usage: 'parley build [--full] [--config FILE] [--memory-limit SIZE] [--json] [--lake DIR]',
  help: `
Runs the models in dependency order (a full build of fewer conversations than
DuckDB's threads × 122,880 runs two at once: one alone would leave a core idle);
the new marts take the old ones' places in
one transaction (readers see the old marts or the new, never half). When the warehouse was
built before and only some conversations were loaded or replaced since, the build
is incremental: it recomputes those conversations and what depends on them (the
same customers' re-contact windows, windows the new data horizon closes, the
months touched), with the same results as a full build. A change of the models or
the configuration, or of the agent roster, makes it a full build. Then the alert
rules of the configuration (alerts:) are evaluated: new alerts are stored for the
Alerts page and sent to the webhook and by e-mail, each once.

  --full         rebuild everything, whatever changed
  --config FILE  time zone, business hours, holidays, schedules per team, SLA policies, retention, targets and alerts
                 (default ./parley.config.yaml when present, else UTC with Monday–Friday 09:00–17:00,
                 text kept for ever)
  --memory-limit SIZE
                 the most memory DuckDB may use for the build, such as 2GB (default: DuckDB's own,
                 80% of the machine's memory); work beyond it goes to temporary files beside the
                 warehouse (FILE.tmp/), so a larger warehouse needs no larger machine
  --json         print the steps and their timings as JSON, and the time outside the models by
                 phase (phases: wall and CPU seconds of start, open, catalog, swap, close, …)
  --lake DIR     build over the Parquet lake at DIR (\`parley lake export DIR\`) instead of the
                 warehouse: the same models, in memory, reading the lake's raw layer; the marts are
                 written back to DIR (only the partitions that changed)`,
  options: { config: { type: 'string' }, full: { type: 'boolean' }, 'memory-limit': { type: 'string' }, json: { type: 'boolean' }, lake: { type: 'string' } },
  async run({ values }, io) {
    let config;
    try {
      config = loadConfig(values['config'] as string | undefined);
    } catch (error) {
      throw new CommandError((error as Error).message);
    }
    const memoryLimit = memoryLimitOption(this, values['memory-limit']);
    const started = performance.now();
    const lake = values['lake'] as string | undefined;
    if (lake !== undefined) {
      let r;
      try {
        r = await buildFromLake(path.resolve(lake), config, io.now ? { now: io.now } : {});
      } catch (error) {
        throw new CommandError((error as Error).message.split('\n')[0]!);
      }
      const seconds = (performance.now() - started) / 1000;
      if (values['json']) io.out.write(JSON.stringify({ models: r.steps.length, seconds, lake: r.export, steps: r.steps }, null, 2) + '\n');
      else
        io.out.write(
          `built ${r.steps.length} models over the lake ${lake} in ${seconds.toFixed(2)} s (time zone ${config.timezone}): ${r.export.rewritten.length} mart partitions written\n`,
        );
      return 0;
    }
    let alerts = '';
    // the time outside the models, phase by phase (--json): what a build costs besides its SQL
    const { add, phases } = phaseTotals();
    const time = phaseTimer(add);
    const cpuNow = () => {
      const used = process.cpuUsage();
      return (used.user + used.system) / 1e6;
    };
    add({ phase: 'start', seconds: started / 1000, cpu_seconds: cpuNow() });
    let mark = { t: performance.now(), cpu: cpuNow() };
    const since = (phase: string) => {
      const t = performance.now();
      const cpu = cpuNow();
      add({ phase, seconds: (t - mark.t) / 1000, cpu_seconds: cpu - mark.cpu });
      mark = { t, cpu };
    };
    const result = await withWarehouse(values, io, async (db) => {
      since('open');
      if (memoryLimit) await applyMemoryLimit(db, memoryLimit);
      let built;
      try {
        built = await buildWarehouse(db, config, { full: Boolean(values['full']), now: io.now, onPhase: add });
      } catch (error) {
        const oom = outOfMemory(error);
        if (oom && memoryLimit) throw new CommandError(`${oom.replace(/, or split the export into smaller files$/, '')} (the limit is ${memoryLimit})`);
        throw error;
      }
      // the alert rules of the configuration, on what was just built (stored, then sent: alerts/)
      alerts = await time('alerts', () => evaluateAlerts(db, config, io));
      mark = { t: performance.now(), cpu: cpuNow() };
      return built;
    });
    since('close');
    const { steps, ...how } = result;
    const seconds = (performance.now() - started) / 1000;
    if (values['json']) {
      io.out.write(JSON.stringify({ models: steps.length, seconds, ...how, phases: phases(), steps }, null, 2) + '\n');
    } else if (result.kind === 'incremental') {
      io.out.write(
        `built incrementally in ${seconds.toFixed(2)} s: ${result.changed} conversations changed, ${result.affected} of ${result.conversations} recomputed (time zone ${config.timezone})\n`,
      );
    } else {
      io.out.write(`built ${steps.length} models in ${seconds.toFixed(2)} s (time zone ${config.timezone})\n`);
    }
    const r = result.retention;
    if (r && !values['json'] && r.messages + r.surveyComments + r.quarantined > 0) {
      io.out.write(
        `retention ${r.period}: blanked the text of ${r.messages} messages, ${r.surveyComments} survey comments and ${r.quarantined} quarantined records ` +
          `from before ${r.cutoff.toISOString().slice(0, 10)}; the warehouse file was rewritten without it\n`,
      );
    }
    if (alerts && !values['json']) io.out.write(`${alerts}\n`);
    return 0;
  },
};
