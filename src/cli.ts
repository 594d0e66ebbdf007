import { enableCompileCache } from 'node:module';

// The operator CLI (`npm run cli -- <command>`, `node dist/src/cli.js <command>`): src/cli/.
// Compiled code is cached as for the server (main.ts), before Nest and the rest load.
enableCompileCache();
const { main } = await import('./cli/main.js');
const status = await main(process.argv.slice(2));
// The command is over, so the process is: a start that failed halfway leaves connections nobody
// closes (a Redis client retrying after the database refused, say), which would keep it alive.
process.exit(status);
