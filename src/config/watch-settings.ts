import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { digestChatProblems } from './digest-chats.js';
import type { FileSettings, TeamSettings } from './file-schema.js';
import { readSettingsFile } from './read-settings-file.js';

/** Editors write a file in several steps (truncate, write, rename); read once they have settled. */
const DEBOUNCE_MS = 500;

export type SettingsWatcher = {
  /** Re-reads the file now, as a change would (tests call it instead of waiting for the watcher). */
  reload(): Promise<void>;
  close(): void;
};

type Options = {
  path: string;
  /** The settings in force, as loadConfig read them. */
  initial: FileSettings;
  log: Logger;
  /** Applies new teams (users.applySettings); what it returns is logged. */
  applyTeams: (teams: TeamSettings[]) => Promise<unknown>;
  debounceMs?: number;
  /** Whether the WeCom smart bot is configured: without it a WeCom `digestChat` is refused, as at boot. */
  wecomBot?: boolean;
};

/**
 * Watches the settings file and applies its `teams` whenever it changes, validated with the same
 * schema as at boot. A bad edit is logged with every problem and ignored: the previous settings
 * stay in force. Other settings (time zone, schedules, …) are read once at boot; a change to them
 * is logged as waiting for a restart.
 */
export function watchSettings(opts: Options): SettingsWatcher {
  const log = opts.log.child({ component: 'settings', path: opts.path });
  let current = opts.initial;
  let timer: NodeJS.Timeout | undefined;
  // One reload at a time, in order: a quick second edit waits for the first to be applied.
  let queue: Promise<void> = Promise.resolve();

  async function reloadNow(): Promise<void> {
    const read = readSettingsFile(opts.path, '/');
    if (!read.settings) {
      log.error({ problems: read.problems }, 'settings file change ignored: fix the file; the previous settings stay in force');
      return;
    }
    const next = read.settings;
    const chatProblems = opts.wecomBot === undefined ? [] : digestChatProblems(next.teams, { wecomBot: opts.wecomBot });
    if (chatProblems.length > 0) {
      log.error({ problems: chatProblems }, 'settings file change ignored: fix the file; the previous settings stay in force');
      return;
    }
    const waiting = (Object.keys(next) as (keyof FileSettings)[]).filter((k) => k !== 'teams' && !isDeepStrictEqual(next[k], current[k]));
    if (waiting.length > 0) log.warn({ keys: waiting }, 'settings other than teams take effect at the next restart');
    if (isDeepStrictEqual(next.teams, current.teams)) return;
    try {
      const report = await opts.applyTeams(next.teams);
      // Only once applied: after a failure (database down) the next change or save tries again.
      current = { ...current, teams: next.teams };
      log.info({ report }, 'teams from the changed settings file applied');
    } catch (err) {
      log.error({ err }, 'could not apply the changed teams; save the settings file again to retry');
    }
  }

  const reload = () => (queue = queue.then(reloadNow));

  // The directory, not the file: an editor that saves by renaming a new file over the old one
  // would leave a file watch on the old, deleted inode.
  const name = basename(opts.path);
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dirname(opts.path), (_event, changed) => {
      if (changed !== null && changed !== name) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), opts.debounceMs ?? DEBOUNCE_MS);
    });
    watcher.on('error', (err) => log.error({ err }, 'stopped watching the settings file; restart genjin to apply later changes'));
  } catch (err) {
    log.warn({ err }, 'cannot watch the settings file; changes apply at the next restart');
  }

  return {
    reload,
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
