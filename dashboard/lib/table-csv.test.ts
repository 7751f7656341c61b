/**
 * The table download: a table's text as CSV (a cell starting with "=" made
 * inert, quotes and commas quoted), its file name, and the button the layout
 * adds once to each table-wrap, skipping tables an endpoint serves.
 */
import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { enhanceTables, rowsToCsv, tableFileName, tableRows } from './table-csv.js';

const page = () =>
  parseHTML(`<!doctype html><html><head><title>SLA · Parley</title></head><body><main>
    <h2>By channel</h2>
    <div class="table-wrap"><table>
      <thead><tr><th>Channel</th><th>Met</th></tr></thead>
      <tbody><tr><td>=cmd|' /C calc'!A0</td><td>83.3%</td></tr><tr><td> web,
        chat </td><td>-</td></tr></tbody>
    </table></div>
    <div class="table-wrap" data-csv="server"><table><tr><td>x</td></tr></table></div>
  </main></body></html>`).document;

describe('table downloads', () => {
  it("writes a table's rows as formula-safe CSV", () => {
    const doc = page();
    const rows = tableRows(doc.querySelector('table')!);
    expect(rows).toEqual([
      ['Channel', 'Met'],
      ["=cmd|' /C calc'!A0", '83.3%'],
      ['web, chat', '-'],
    ]);
    // "=…" and "-" would be formulas in a spreadsheet: a leading quote; a comma is quoted
    expect(rowsToCsv(rows)).toBe("Channel,Met\r\n'=cmd|' /C calc'!A0,83.3%\r\n\"web, chat\",'-\r\n");
  });

  it('names the file after the page and the heading above the table', () => {
    expect(tableFileName('SLA · Parley', 'By channel')).toBe('sla-by-channel');
    expect(tableFileName('Agents · Parley', undefined)).toBe('agents');
    // the page's own h1 above its only table: named once
    expect(tableFileName('Agents · Parley', 'Agents')).toBe('agents');
  });

  it('adds one button per table, once, and none where an endpoint serves the table', () => {
    const doc = page();
    enhanceTables(doc.querySelector('main'));
    enhanceTables(doc.querySelector('main'));
    const buttons = doc.querySelectorAll('button.table-csv');
    expect(buttons.length).toBe(1);
    expect(buttons[0]!.getAttribute('aria-label')).toBe('Download this table as CSV (sla-by-channel.csv)');
  });
});
