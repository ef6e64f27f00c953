import type { CliCommand } from '../types.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'create the database if missing and apply the migrations in drizzle/',
  usage: 'genjin migrate',
  async run(_args, io) {
    io.stderr.write('migrate: not wired yet\n');
    return 1;
  },
};
