import { z } from 'zod';
import type { CardActionResult } from '../../messaging/types.js';
import { defineAction, type CardActionDef } from '../actions/action-table.js';
import { formatMoment } from '../ownership/text.js';
import { POOL_WARNING_ACTION } from './cards.js';
import { POOL_TEXT } from './text.js';

const toast = (kind: 'success' | 'info' | 'warning' | 'error', text: string): CardActionResult => ({ toast: { kind, text } });

/**
 * 释放 on the owner's pool warning: the customer goes back to the pool now (the owner, or someone
 * who manages them). The card turns grey with who released it and when; a second click says so.
 */
const release = defineAction({
  name: POOL_WARNING_ACTION.release,
  args: z.object({ r: z.coerce.number().int().positive() }),
  async run(deps, actor, a) {
    const p = POOL_TEXT[actor.locale];
    const by = actor.user.name ?? actor.user.platformUserId;
    const result = await deps.poolWarnings.release({ actor: actor.user, reminderId: a.r });
    switch (result.kind) {
      case 'released': {
        const line = p.releasedLine(by, formatMoment(actor.locale, result.at, actor.timeZone));
        return {
          toast: { kind: 'success', text: p.releasedToast(result.customer.name) },
          card: { title: result.customer.name, tone: 'grey', notes: [line] },
        };
      }
      case 'already': {
        const who = result.by ? (result.by.name ?? result.by.platformUserId) : p.someone;
        const line = p.actedLine(p.actionName[result.action] ?? result.action, who, formatMoment(actor.locale, result.at, actor.timeZone));
        return toast('info', p.already(line));
      }
      case 'stale':
        return toast('info', p.stale);
      case 'forbidden':
        return toast('error', p.forbidden);
      case 'not_found':
        return toast('error', p.notFound);
    }
  },
});

export const poolWarningActions: CardActionDef[] = [release];
