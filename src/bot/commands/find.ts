import { TEXT } from '../cards/i18n.js';
import { customerOverviewCard } from '../cards/info-cards.js';
import { slashCommand, type Command } from './types.js';

/** `/查 云帆` · `/find Contoso`: one customer's card, or the list to choose from. */
export const findCommand: Command<{ query: string }> = {
  name: 'find',
  match: (text) => {
    const rest = slashCommand(['查', 'find'], text);
    return rest === null ? null : { query: rest };
  },
  async run(deps, actor, { query }) {
    const t = TEXT[actor.locale];
    if (!query) return { kind: 'text', text: t.findUsage };
    const found = await deps.customers.search(actor.workspaceId, query, 6);
    if (found.length === 0) return { kind: 'text', text: t.findNone(query) };
    const [first] = found;
    if (found.length > 1 || !first) return { kind: 'text', text: `${t.findMany(query)}\n${found.map((c) => `· ${c.name}`).join('\n')}` };
    const overview = await deps.followUps.customerOverview(actor.workspaceId, first.id);
    if (!overview) return { kind: 'text', text: t.findNone(query) };
    return {
      kind: 'card',
      card: customerOverviewCard(
        {
          name: overview.customer.name,
          stage: overview.customer.stage,
          ownerName: overview.ownerName,
          nextFollowUpAt: overview.customer.nextFollowUpAt,
          nextStep: overview.followUps[0]?.nextStep ?? null,
          followUps: overview.followUps.map((f) => ({ occurredAt: f.occurredAt, summary: f.summary, authorName: f.authorName })),
        },
        actor,
      ),
    };
  },
};
