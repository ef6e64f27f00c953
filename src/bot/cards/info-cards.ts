import type { Card } from '../../messaging/types.js';
import { TEXT, type Locale } from './i18n.js';

type CardContext = { locale: Locale; timeZone: string };

export function helpCard(ctx: CardContext): Card {
  const t = TEXT[ctx.locale];
  return { title: t.helpTitle, tone: 'blue', text: t.helpText, notes: [t.helpCommands] };
}
