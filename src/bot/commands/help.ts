import { helpCard } from '../cards/info-cards.js';
import { slashCommand, type Command } from './types.js';

export const helpCommand: Command<true> = {
  name: 'help',
  match: (text) => (slashCommand(['帮助', 'help', '?', '？'], text) !== null || /^(帮助|help)$/i.test(text.trim()) ? true : null),
  run: async (_deps, actor) => ({ kind: 'card', card: helpCard(actor) }),
};
