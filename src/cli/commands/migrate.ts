import { loadConfig } from '../../config.js';
import { migrateDatabase } from '../../db/migrate.js';
import { createLogger } from '../../logger.js';
import type { CliCommand } from '../types.js';

/** The production deploy step (with GENJIN_MIGRATE_ON_START=false on the service). */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'create the database if missing and apply the migrations in drizzle/',
  usage: 'genjin migrate   (uses DATABASE_URL)',
  async run(args, io) {
    if (args.length > 0) {
      io.stderr.write(`usage: ${this.usage}\n`);
      return 2;
    }
    const config = loadConfig(io.env);
    const log = createLogger({ level: config.logLevel });
    await migrateDatabase(config.databaseUrl, log);
    io.stdout.write(`migrations applied to ${new URL(config.databaseUrl).pathname.slice(1)}\n`);
    return 0;
  },
};
