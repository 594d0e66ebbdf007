import { HousekeepingService } from '../../modules/ops/housekeeping.service.js';
import { Refusal, type Command } from '../command.js';
import { withServices } from '../services.js';

export const housekeepingCommand: Command = {
  name: 'housekeeping',
  usage: '',
  summary: 'run the data-retention job once now (what the server does every HOUSEKEEPING_INTERVAL_SECONDS) and print what it deleted',
  args: 0,
  async run({ config }) {
    const report = await withServices(config, (app) => app.get(HousekeepingService).run());
    if (!report) throw new Refusal('Another instance is running housekeeping right now (it holds the lock); nothing was deleted here.');
    const deleted = Object.entries(report.batches).map(([table, batches]) => [table, batches.reduce((sum, count) => sum + count, 0)] as const);
    const width = Math.max(...deleted.map(([table]) => table.length));
    const total = deleted.reduce((sum, [, count]) => sum + count, 0);
    console.log([...deleted.map(([table, count]) => `${table.padEnd(width)}  ${count}`), `Deleted ${total} row${total === 1 ? '' : 's'}.`].join('\n'));
  },
};
