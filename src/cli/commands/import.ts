import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { loadConfig } from '../../config.js';
import { createDb } from '../../db/client.js';
import { createCustomerImport, type ImportReport } from '../../domain/import-export/import-customers.js';
import { pickWorkspace, describeWorkspace } from '../../domain/import-export/pick-workspace.js';
import { formatOf, readSheet } from '../../domain/import-export/read-sheet.js';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../logger.js';
import { createServices } from '../../services.js';
import { describeDatabaseFailure } from '../database-failure.js';
import type { CliCommand, CliIo } from '../types.js';
import { describeWorkspaceChoice } from '../workspace-choice.js';

const USAGE = 'genjin import <file.xlsx|file.csv> [--dry-run] [--workspace <id>]   (uses DATABASE_URL)';

type Flags = { file: string; dryRun: boolean; workspace?: string };

function readFlags(args: string[]): Flags | string {
  let file: string | undefined;
  let dryRun = false;
  let workspace: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--workspace') {
      workspace = args[++i];
      if (!workspace || workspace.startsWith('--')) return '--workspace needs a workspace id such as 3';
    } else if (arg.startsWith('--')) return `unknown option "${arg}"`;
    else if (file) return `one file at a time (got "${file}" and "${arg}")`;
    else file = arg;
  }
  if (!file) return 'name the file to import';
  if (!formatOf(file)) return `"${file}" is neither .xlsx nor .csv`;
  return { file, dryRun, ...(workspace ? { workspace } : {}) };
}

/** The report on stdout: ignored columns, new users, each skipped row and note, then the counts. */
function printReport(io: CliIo, report: ImportReport, dryRun: boolean) {
  const line = (text: string) => io.stdout.write(`${text}\n`);
  if (report.unknownColumns.length) line(`unknown columns, ignored: ${report.unknownColumns.join(', ')}`);
  if (report.newUsers.length) line(`${dryRun ? 'would register' : 'registered'} new users: ${report.newUsers.join(', ')}`);
  const problems = [
    ...report.skipped.map((p) => ({ ...p, text: `skipped: ${p.reason}` })),
    ...report.notesSkipped.map((p) => ({ ...p, text: p.reason })),
  ].sort((a, b) => a.rowNumber - b.rowNumber);
  for (const p of problems) line(`row ${p.rowNumber}: ${p.text}`);
  if (dryRun) line('dry run: nothing was changed');
  line(`created ${report.created}, updated ${report.updated}, skipped ${report.skipped.length}, unchanged ${report.unchanged}`);
}

/**
 * Imports customers from a spreadsheet (the columns and rules are in
 * src/domain/import-export/README.md). Progress goes to stderr, the report to stdout; exit 0 when
 * the file was read, even with skipped rows (they are listed), 1 when it could not be.
 */
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'import <file.xlsx|file.csv> [--dry-run] [--workspace <id>]: create and update customers from a spreadsheet',
  usage: USAGE,
  async run(args, io) {
    const flags = readFlags(args);
    if (typeof flags === 'string') {
      io.stderr.write(`genjin import: ${flags}\nusage: ${USAGE}\n`);
      return 2;
    }
    const fail = (message: string) => {
      io.stderr.write(`genjin import: ${message}\n`);
      return 1;
    };
    let bytes: Buffer;
    try {
      bytes = await readFile(flags.file);
    } catch (err) {
      return fail(`cannot read ${flags.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const sheet = await readSheet(bytes, formatOf(flags.file)!).catch(() => null);
    if (!sheet) return fail(`${basename(flags.file)} is not a readable ${formatOf(flags.file)} file`);
    const config = loadConfig(io.env);
    const database = createDb(config.databaseUrl, 2);
    try {
      const picked = await pickWorkspace(database.db, flags.workspace);
      if (picked.kind !== 'picked') return fail(describeWorkspaceChoice(picked));
      const { users } = createServices({ config, db: database.db, clock: systemClock, log: createLogger({ level: 'silent' }) });
      const importCustomers = createCustomerImport({
        db: database.db,
        clock: systemClock,
        users,
        timeZone: config.timeZone,
        defaultHour: config.reminders.defaultHour,
      });
      io.stderr.write(
        `${flags.dryRun ? 'dry run: ' : ''}importing ${basename(flags.file)} into workspace ${describeWorkspace(picked.workspace)}\n`,
      );
      const result = await importCustomers({
        workspaceId: picked.workspace.id,
        sheet,
        dryRun: flags.dryRun,
        onProgress: ({ done, total }) => io.stderr.write(`  ${done}/${total} rows\n`),
      });
      if (result.kind === 'no_name_column') {
        return fail(`no 客户名称 (name) column; the header row (row 1) reads: ${result.headers.join(', ') || '(empty)'}`);
      }
      printReport(io, result.report, flags.dryRun);
      return 0;
    } catch (err) {
      return fail(describeDatabaseFailure(err, 'failed; the batches written so far are kept, and running the import again finishes it'));
    } finally {
      await database.close().catch(() => undefined);
    }
  },
};
