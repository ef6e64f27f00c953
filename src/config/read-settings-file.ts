import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileSchema, type FileSettings } from './file-schema.js';
import { formatIssues } from './format-issues.js';

const DEFAULT_CONFIG_PATH = 'config/genjin.json';

export type SettingsRead = {
  /** Null when the file is missing, unreadable or invalid: `problems` says why. */
  settings: FileSettings | null;
  /** For the boot log: the file's path, or `built-in defaults`. */
  source: string;
  /** The file that was read (or tried); null when none was named and the default is absent. */
  path: string | null;
  problems: string[];
};

/**
 * Reads and validates the settings file: at boot (loadConfig) and whenever it changes
 * (watch-settings), with the same schema and the same messages.
 */
export function readSettingsFile(explicitPath: string | undefined, cwd: string): SettingsRead {
  const path = resolve(cwd, explicitPath ?? DEFAULT_CONFIG_PATH);
  if (!explicitPath && !existsSync(path)) return { settings: fileSchema.parse({}), source: 'built-in defaults', path: null, problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `is not valid JSON (${(err as Error).message})`;
    return {
      settings: null,
      source: path,
      path,
      problems: [`GENJIN_CONFIG: the settings file ${path} ${why}; fix it or unset GENJIN_CONFIG`],
    };
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    return { settings: null, source: path, path, problems: formatIssues(parsed.error, (p) => `${path}: ${p || '(root)'}`) };
  }
  return { settings: parsed.data, source: path, path, problems: [] };
}
