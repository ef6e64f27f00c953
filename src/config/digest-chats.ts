import type { TeamSettings } from './file-schema.js';

/**
 * A WeCom team chat is reached through the smart bot only: the app's own group chats (appchat)
 * cannot carry interactive cards, so the digest's reassignment picker would be lost. A WeCom
 * `digestChat` is written `wecom:<chatid>` and always goes through the bot.
 */
export function digestChatProblems(teams: TeamSettings[], has: { wecomBot: boolean }): string[] {
  if (has.wecomBot) return [];
  return teams.flatMap((team, i) =>
    team.digestChat?.startsWith('wecom:')
      ? [
          `teams[${i}].digestChat (team "${team.id}"): a WeCom group chat is reached through the smart bot, and none is configured: ` +
            'set WECOM_BOT_ID and WECOM_BOT_SECRET (WeCom admin console, the smart bot’s API settings) and add the bot to that group, ' +
            'or remove digestChat so the digest goes to each manager in a direct message',
        ]
      : [],
  );
}
