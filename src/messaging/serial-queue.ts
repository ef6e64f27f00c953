export type SerialQueue = {
  /** Runs `task` after every earlier task of the same key; different keys run side by side. */
  push(key: string, task: () => Promise<void>): void;
  /** Resolves when everything pushed so far has finished (tests, graceful shutdown). */
  drain(): Promise<void>;
};

/**
 * Per-conversation ordering in one process: a chat's messages are handled one at a time, in the
 * order they were acknowledged, so a note and its quick correction never race. A failing task is
 * reported and does not stop its key's queue.
 */
export function createSerialQueue(onError: (err: unknown, key: string) => void): SerialQueue {
  const tails = new Map<string, Promise<void>>();
  return {
    push(key, task) {
      const previous = tails.get(key) ?? Promise.resolve();
      const next = previous
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(task)
        .catch((err: unknown) => onError(err, key))
        .finally(() => {
          if (tails.get(key) === next) tails.delete(key);
        });
      tails.set(key, next);
    },
    async drain() {
      while (tails.size > 0) await Promise.all([...tails.values()]);
    },
  };
}
