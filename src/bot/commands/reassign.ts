import type { CardActionResult } from '../../messaging/types.js';
import { TEXT } from '../cards/i18n.js';
import type { CommandReply } from '../context.js';
import { reassignCustomer, requestCustomer } from '../ownership/actions.js';
import { OWN_TEXT } from '../ownership/text.js';
import { resolvePeople } from '../resolve-people.js';
import { slashCommand, type Command } from './types.js';

/**
 * `/转 云帆科技 @李四` · `/reassign Contoso @Li Si`: the command form of 转给TA, for every platform,
 * under the same rules (checked on the server from the sender): a manager or admin moves the
 * customer; its owner (a rep) asks their approvers instead; anyone else is refused.
 */
export const reassignCommand: Command<{ rest: string }> = {
  name: 'reassign',
  match: (text) => {
    const rest = slashCommand(['转', 'reassign'], text);
    return rest === null ? null : { rest };
  },
  async run(deps, actor, { rest }, event) {
    const t = TEXT[actor.locale];
    const o = OWN_TEXT[actor.locale];
    const { people, rest: name } = await resolvePeople(deps, actor, event, rest);
    const [person] = people;
    if (!person || !name) return { kind: 'text', text: o.reassignUsage };
    if (people.length > 1) return { kind: 'text', text: o.reassignOnePerson };
    if (!person.found) return { kind: 'text', text: o.reassignWho(person.name ?? '') };
    const found = await deps.customers.search(actor.workspaceId, name, 6);
    const [customer] = found;
    if (!customer) return { kind: 'text', text: t.findNone(name) };
    if (found.length > 1) return { kind: 'text', text: `${t.findMany(name)}\n${found.map((c) => `· ${c.name}`).join('\n')}` };
    const access = await deps.ownership.viewOf(actor.user, customer.id);
    if (!access) return { kind: 'text', text: t.findNone(name) };
    const to = { platformUserId: person.platformUserId };
    if (access.mayReassign) return reply((await reassignCustomer(deps, actor, { customerId: customer.id, to, source: 'command' })).answer);
    if (access.isOwner) return reply((await requestCustomer(deps, actor, { customerId: customer.id, to })).answer);
    return { kind: 'text', text: o.forbidden };
  },
};

/** A card's answer as a chat reply: the card when there is one, else the toast's text. */
function reply(answer: CardActionResult): CommandReply {
  if (answer.card) return { kind: 'card', card: answer.card };
  return { kind: 'text', text: answer.toast?.text ?? '' };
}
