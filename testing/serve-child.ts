// `parley serve` without the dashboard, for the service tests: holds the
// warehouse named on the command line, takes commands on it, prints
// "ready PORT" on stdout, and stops on SIGTERM (the tests also SIGKILL it).
import { TEST_NOW } from './clock.js';
import { main } from '../cli/main.js';
import { SERVER_READERS } from '../cli/commands/serve.js';
import { openWarehouse } from '../warehouse/connection.js';
import { migrate } from '../warehouse/migrate.js';
import { serveCommands } from '../service/server.js';

const db = await openWarehouse(process.argv[2]!, { readers: SERVER_READERS });
await migrate(db, undefined, TEST_NOW);
const service = await serveCommands(db, main);
process.stdout.write(`ready ${service.port}\n`);
process.once('SIGTERM', () => {
  void service.close().then(() => {
    db.close();
    process.exit(0);
  });
});
