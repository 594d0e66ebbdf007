import { writeFileSync } from 'node:fs';
import { configurationDoc } from './config-doc.js';

/** `npm run docs:config` (from the repository root): rewrites docs/configuration.md from the settings tables. */
writeFileSync('docs/configuration.md', configurationDoc());
console.log('Wrote docs/configuration.md');
