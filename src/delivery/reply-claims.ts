/**
 * Replies that leave from the process that wrote them, without a claim round. While the inbox
 * worker runs a message, it holds a `ReplyClaims` under the message's key; `enqueue` of a reply to
 * that message (its payload's `replyTo`) then inserts the row already claimed under the claims'
 * token, when a send slot is free and no unsent row of the recipient exists (decided by the insert
 * itself, see `outbox.ts`). After the run the outbox worker reads those rows back by id and token
 * (which also tells which of them were committed) and sends them. A process that dies before that
 * leaves them leased: the lease runs out and any replica's ordinary claim takes them.
 */
export type ReplyClaims = {
  /** The lease owner of every row inserted claimed. */
  readonly token: string;
  readonly leaseMs: number;
  /** Takes a send slot for one more claimed row; false when the outbox has none free. */
  reserve(): boolean;
  /** Gives back a slot `reserve` took for a row that was not inserted claimed. */
  release(): void;
  /** Ids inserted claimed (a transaction that rolled back may have left some that do not exist). */
  readonly ids: number[];
  /** A reply was enqueued unclaimed (pending) meanwhile: the outbox should claim as usual. */
  pending: boolean;
};

/** Claims held by runs in this process, by `replyKey` of the message being run. */
const held = new Map<string, ReplyClaims>();

const replyKey = (platform: string, messageId: string) => `${platform}\u0000${messageId}`;

/**
 * Holds `claims` for replies to `messageId` on `platform` until the returned function is called
 * (when the run ends). Message ids are the platform's own, so two runs never share a key.
 */
export function holdReplyClaims(platform: string, messageId: string, claims: ReplyClaims): () => void {
  const key = replyKey(platform, messageId);
  held.set(key, claims);
  return () => {
    if (held.get(key) === claims) held.delete(key);
  };
}

/** The claims held for the message this outbox message replies to, if it is one being run here. */
export function replyClaimsFor(target: string, payload: Record<string, unknown>): ReplyClaims | undefined {
  if (held.size === 0) return undefined;
  const replyTo = payload.replyTo;
  if (typeof replyTo !== 'string') return undefined;
  return held.get(replyKey(target.split(':', 1)[0] ?? '', replyTo));
}
