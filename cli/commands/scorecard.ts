/**
 * `parley scorecard`: an agent's scorecard from the scorecard marts. The
 * work is done by scorecards/.
 */
import { UsageError, oneOf, requireBuilt, withWarehouse, type Command } from '../command.js';
import { write } from '../output.js';
import { refusals, scorecards } from '../scorecards.js';

export const scorecardCommand: Command = {
  name: 'scorecard',
  summary: "an agent's scorecard: QA score by month beside FCR, reopens, response times and CSAT",
  usage: 'parley scorecard AGENT_ID [--month YYYY-MM] [--format table|json]',
  help: `
Reads the scorecard marts (run 'parley build' after new reviews). The criterion averages are
for --month (default: the latest month with reviews).

Example:
  parley scorecard agent-07 --month 2026-10`,
  options: { month: { type: 'string' }, format: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const { agentScorecard } = await scorecards();
    const format = oneOf(this, 'format', values['format'], ['table', 'json'] as const, 'table');
    if (positionals.length !== 1) throw new UsageError('give one agent id', this.name);
    const card = await withWarehouse(values, io, async (db) => {
      await requireBuilt(db);
      return refusals(() => agentScorecard(db, positionals[0]!, typeof values['month'] === 'string' ? { month: values['month'] } : {}));
    });
    if (format === 'json') {
      write(io.out, [card as never], 'json');
      return 0;
    }
    io.out.write(`Scorecard of ${card.agent_id}${card.agent_name ? ` (${card.agent_name})` : ''}${card.team ? `, team ${card.team}` : ''}\n\n`);
    write(
      io.out,
      card.months.map((m) => ({
        month: m['month'],
        reviews: m['reviews'],
        internal_quality_score: m['internal_quality_score'],
        team_internal_quality_score: m['team_internal_quality_score'],
        conversations: m['conversations'],
        fcr_rate: m['fcr_rate'],
        team_fcr_rate: m['team_fcr_rate'],
        reopen_rate: m['reopen_rate'],
        first_response_s_median: m['first_response_s_median'],
        csat_rate: m['csat_rate'],
        team_csat_rate: m['team_csat_rate'],
      })),
      'table',
    );
    io.out.write(`\nCriteria, ${card.month ?? 'no month'} (0–100, N/A left out, not zeroed by auto-fails):\n`);
    write(io.out, card.criteria, 'table');
    io.out.write('\nLatest reviews:\n');
    write(io.out, card.reviews, 'table');
    return 0;
  },
};
