/**
 * The `prepare` loop shared by adapters that read their files one by one:
 * a scratch folder for the run, each file staged into its own tables and
 * turned into one loader input, and one cleanup that drops the staged tables
 * and the folder — also at once when staging a file fails.
 *
 * @example
 *   return prepareFiles(db, paths, async (file, i, scratchDir) => {
 *     const staged = await stageCsv(db, { file, table: `_x_${i}`, columns, scratchDir });
 *     return { tables: [staged.table, staged.rejects], input: { file, format: 'x', sql: xSql(staged), digest: async () => staged.digest } };
 *   });
 */
import type { Warehouse } from '../../warehouse/connection.js';
import type { LoadInput } from '../load.js';
import type { Prepared } from './types.js';
import { workDir } from './csv-source.js';
import { dropTables } from './sql.js';

export interface PreparedFile {
  /** Temp tables made for the file, dropped by the cleanup. */
  tables: string[];
  input: LoadInput;
}

export function prepareFiles(db: Warehouse, paths: readonly string[], each: (file: string, index: number, scratchDir: string) => Promise<PreparedFile>): Promise<Prepared> {
  return prepareInScratch(db, async (scratchDir, tables) => {
    const inputs: LoadInput[] = [];
    for (const [i, file] of paths.entries()) {
      const made = await each(file, i, scratchDir);
      tables.push(...made.tables);
      inputs.push(made.input);
    }
    return inputs;
  });
}

/**
 * Runs `build` with a scratch folder and a list to name the temp tables it
 * makes in; the cleanup drops those tables and the folder — at once when
 * `build` fails. The frame of every adapter's `prepare`.
 */
export async function prepareInScratch(db: Warehouse, build: (scratchDir: string, tables: string[]) => Promise<LoadInput[]>): Promise<Prepared> {
  const scratch = await workDir();
  const tables: string[] = [];
  const cleanup = async () => {
    await dropTables(db, tables);
    await scratch.remove();
  };
  try {
    return { inputs: await build(scratch.dir, tables), cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
