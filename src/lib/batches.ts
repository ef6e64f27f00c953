/** Rows per statement and customers per transaction in the jobs' batched writes. */
export const CHUNK = 500;

/** `list` in slices of `size`, in order. */
export function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Whole groups per batch, up to about `limit` items each: a group (one owner's or one team's
 * customers) never splits across batches, so each gets one notice; a group larger than the
 * limit makes a batch of its own.
 */
export function wholeGroups<T>(groups: readonly T[], sizeOf: (group: T) => number, limit = CHUNK): T[][] {
  const out: T[][] = [];
  let batch: T[] = [];
  let size = 0;
  for (const group of groups) {
    if (batch.length > 0 && size + sizeOf(group) > limit) {
      out.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(group);
    size += sizeOf(group);
  }
  if (batch.length > 0) out.push(batch);
  return out;
}
