import { writeFile } from 'node:fs/promises';
import { loadConfig } from '../../config.js';
import { createDb } from '../../db/client.js';
import { exportCustomers } from '../../domain/import-export/export-customers.js';
import { pickWorkspace } from '../../domain/import-export/pick-workspace.js';
import type { SheetFormat } from '../../domain/import-export/read-sheet.js';
import { writeSheet } from '../../domain/import-export/write-sheet.js';
import { describeDatabaseFailure } from '../database-failure.js';
import type { CliCommand } from '../types.js';
import { describeWorkspaceChoice } from '../workspace-choice.js';

const USAGE =
  'genjin export --format csv|xlsx [--out <file>] [--owner <platform>:<id>|<name>|pool] [--team <team id>] [--workspace <id>] [--english]   (uses DATABASE_URL)';

type Flags = { format: SheetFormat; out?: string; owner?: string; team?: string; workspace?: string; english: boolean };

function readFlags(args: string[]): Flags | string {
  const flags: Partial<Flags> & { english: boolean } = { english: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--english') {
      flags.english = true;
      continue;
    }
    const value = args[++i];
    if (!['--format', '--out', '--owner', '--team', '--workspace'].includes(arg)) return `unknown option "${arg}"`;
    if (value === undefined || value.startsWith('--')) return `${arg} needs a value`;
    if (arg === '--format') {
      if (value !== 'csv' && value !== 'xlsx') return `--format must be csv or xlsx (got "${value}")`;
      flags.format = value;
    } else flags[arg.slice(2) as 'out' | 'owner' | 'team' | 'workspace'] = value;
  }
  if (!flags.format) return '--format csv or --format xlsx is required';
  return flags as Flags;
}

/**
 * Exports customers in the import's columns (Chinese headers; `--english` for English headers and
 * stage codes), to a file or stdout. Export then import changes nothing.
 */
export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export --format csv|xlsx [--out file] [--owner …] [--team …] [--workspace <id>]: customers as a spreadsheet import reads back',
  usage: USAGE,
  async run(args, io) {
    const flags = readFlags(args);
    if (typeof flags === 'string') {
      io.stderr.write(`genjin export: ${flags}\nusage: ${USAGE}\n`);
      return 2;
    }
    const fail = (message: string) => {
      io.stderr.write(`genjin export: ${message}\n`);
      return 1;
    };
    const config = loadConfig(io.env);
    const database = createDb(config.databaseUrl, 2);
    try {
      const picked = await pickWorkspace(database.db, flags.workspace);
      if (picked.kind !== 'picked') return fail(describeWorkspaceChoice(picked));
      const result = await exportCustomers(database.db, {
        workspaceId: picked.workspace.id,
        filter: { owner: flags.owner, team: flags.team },
        language: flags.english ? 'en' : 'zh',
        defaultTimeZone: config.timeZone,
      });
      if (result.kind === 'bad_filter') return fail(result.reason);
      const bytes = await writeSheet(flags.format, result.headers, result.rows);
      if (flags.out) await writeFile(flags.out, bytes);
      else io.stdout.write(bytes);
      io.stderr.write(`exported ${result.rows.length} customer(s)${flags.out ? ` to ${flags.out}` : ''}\n`);
      return 0;
    } catch (err) {
      return fail(describeDatabaseFailure(err, 'failed'));
    } finally {
      await database.close().catch(() => undefined);
    }
  },
};
