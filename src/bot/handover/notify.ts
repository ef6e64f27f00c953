import type { OutboundEnvelope } from '../../delivery/outbox.js';
import type { HandoverOutcome } from '../../domain/ownership/handover.js';
import { addressKey, userAddress } from '../../messaging/types.js';
import type { Locale } from '../cards/i18n.js';
import { handoverDoneCard } from './cards.js';

/**
 * The final card to the manager who asked, in their language, enqueued by the runner in the
 * transaction that finishes the handover (once per handover). A command-line handover has nobody
 * to tell: the command prints the numbers.
 */
export function handoverOutbound(defaults: { locale: Locale }) {
  return (outcome: HandoverOutcome): OutboundEnvelope[] => {
    const { requester } = outcome;
    if (!requester || !outcome.platform) return [];
    const locale = requester.locale ?? outcome.workspaceLocale ?? defaults.locale;
    const to = userAddress(outcome.platform, requester.platformUserId);
    return [
      {
        target: addressKey(to),
        workspaceId: outcome.workspaceId,
        dedupeKey: `handover:${outcome.handoverId}:finished`,
        payload: { kind: 'send', to, message: { kind: 'card', card: handoverDoneCard(outcome, locale) } },
      },
    ];
  };
}
