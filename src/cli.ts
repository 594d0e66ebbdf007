import { enableCompileCache } from 'node:module';

// The operator CLI (`npm run cli -- <command>`, `node dist/src/cli.js <command>`): src/cli/.
// Compiled code is cached as for the server (main.ts), before Nest and the rest load.
enableCompileCache();
const { main } = await import('./cli/main.js');
process.exitCode = await main(process.argv.slice(2));
