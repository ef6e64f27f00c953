import { loadConfig } from '../../config.js';
import { CONSOLE_PLATFORM, CONSOLE_TENANT, DEMO_PEOPLE, withDemoTeam } from '../../config/console-demo.js';
import { createDb } from '../../db/client.js';
import { migrateDatabase } from '../../db/migrate.js';
import { seedDemo } from '../../domain/demo/seed-demo.js';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../logger.js';
import { createServices } from '../../services.js';
import type { CliCommand } from '../types.js';

/** Fills the local console's workspace (never a Feishu or WeCom one) with the demo team's book. */
export const seedDemoCommand: CliCommand = {
  name: 'seed-demo',
  summary:
    "fill the console's workspace with a demo team: four reps, a manager, 60 customers, six weeks of follow-ups (run it again: nothing is duplicated)",
  usage: 'genjin seed-demo   (uses DATABASE_URL; migrates first unless GENJIN_MIGRATE_ON_START=false)',
  async run(args, io) {
    if (args.length > 0) {
      io.stderr.write(`usage: ${this.usage}\n`);
      return 2;
    }
    const loaded = loadConfig(io.env);
    const config = { ...loaded, teams: withDemoTeam(loaded.teams) };
    if (config.migrateOnStart) await migrateDatabase(config.databaseUrl);
    const database = createDb(config.databaseUrl, 2);
    try {
      const services = createServices({ config, db: database.db, clock: systemClock, log: createLogger({ level: 'silent' }) });
      const [manager, ...reps] = DEMO_PEOPLE;
      const report = await seedDemo(
        { db: database.db, clock: systemClock, users: services.users, timeZone: config.timeZone },
        { platform: CONSOLE_PLATFORM, tenant: CONSOLE_TENANT, manager, reps },
      );
      io.stdout.write(
        `seed-demo: ${report.users} people, ${report.customers} new customer(s), ${report.followUps} new follow-up(s) in the console workspace\n`,
      );
      return 0;
    } finally {
      await database.close();
    }
  },
};
