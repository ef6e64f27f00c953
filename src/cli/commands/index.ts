import type { CliCommand } from '../types.js';
import { auditCommand } from './audit.js';
import { exportCommand } from './export.js';
import { handoverCommand } from './handover.js';
import { importCommand } from './import.js';
import { jobsCommand } from './jobs.js';
import { migrateCommand } from './migrate.js';
import { outboxRetryCommand } from './outbox-retry.js';
import { parseCommand } from './parse.js';
import { seedDemoCommand } from './seed-demo.js';
import { workerCommand } from './worker.js';

/** Every CLI command, in the order `genjin help` lists them (help itself is added by run-cli). */
export const commands: CliCommand[] = [
  migrateCommand,
  parseCommand,
  outboxRetryCommand,
  auditCommand,
  handoverCommand,
  jobsCommand,
  importCommand,
  exportCommand,
  seedDemoCommand,
  workerCommand,
];
