import { TEXT } from '../cards/i18n.js';
import { customerCardFor } from '../ownership/customer-view.js';
import { slashCommand, type Command } from './types.js';

/**
 * `/查 云帆` · `/find Contoso`: one customer's card, or the list to choose from. Scoped by the
 * sender's role (`customerAccess`): a colleague's customer shows only its name, owner and pool
 * status, and so does every card answered in a group chat; another workspace's are never found.
 */
export const findCommand: Command<{ query: string }> = {
  name: 'find',
  match: (text) => {
    const rest = slashCommand(['查', 'find'], text);
    return rest === null ? null : { query: rest };
  },
  async run(deps, actor, { query }, event) {
    const t = TEXT[actor.locale];
    if (!query) return { kind: 'text', text: t.findUsage };
    const found = await deps.customers.search(actor.workspaceId, query, 6);
    if (found.length === 0) return { kind: 'text', text: t.findNone(query) };
    const [first] = found;
    if (found.length > 1 || !first) return { kind: 'text', text: `${t.findMany(query)}\n${found.map((c) => `· ${c.name}`).join('\n')}` };
    const card = await customerCardFor(deps, actor, first.id, { group: event.chatType === 'group' });
    return card ? { kind: 'card', card } : { kind: 'text', text: t.findNone(query) };
  },
};
