import { buildModels } from '../../models/build.js';
import { loadConfig } from '../../models/config.js';
import { CommandError, withWarehouse, type Command } from '../command.js';

export const buildCommand: Command = {
  name: 'build',
  summary: 'run the SQL models: staging → intermediate → marts (conversation_metrics, metric_summary)',
  usage: 'parley build [--config FILE] [--json]',
  help: `
Rebuilds every model in dependency order, in one transaction.

  --config FILE  time zone, business hours and holidays (default ./parley.config.yaml when
                 present, else UTC with Monday–Friday 09:00–17:00)
  --json         print the steps and their timings as JSON`,
  options: { config: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }, io) {
    let config;
    try {
      config = loadConfig(values['config'] as string | undefined);
    } catch (error) {
      throw new CommandError((error as Error).message);
    }
    const started = performance.now();
    const steps = await withWarehouse(values, io, (db) => buildModels(db, config, { now: io.now ?? new Date() }));
    const seconds = (performance.now() - started) / 1000;
    if (values['json']) {
      io.out.write(JSON.stringify({ models: steps.length, seconds, steps }, null, 2) + '\n');
    } else {
      io.out.write(`built ${steps.length} models in ${seconds.toFixed(2)} s (time zone ${config.timezone})\n`);
    }
    return 0;
  },
};
