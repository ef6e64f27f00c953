import type { ComposeDigest } from '../../domain/digest/digest-service.js';
import { addressKey, type Address } from '../../messaging/types.js';
import { digestCard } from './card.js';

/** The weekly digest card to one recipient, as the job enqueues it (bound in at the composition root). */
export const composeDigest: ComposeDigest = (figures, ctx) => {
  const to: Address = { platform: ctx.recipient.platform, kind: ctx.recipient.kind, id: ctx.recipient.id };
  const card = digestCard(figures, { locale: ctx.locale, timeZone: ctx.timeZone, scope: 'weekly', digestId: ctx.digestId });
  return { target: addressKey(to), payload: { kind: 'send', to, message: { kind: 'card', card } } };
};
