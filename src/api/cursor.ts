/**
 * Opaque page cursors: the position after the last row of a page, as base64url JSON. Opaque so
 * clients pass them back as they are and the ordering can change without breaking them.
 */
export function encodeCursor(position: Record<string, number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The numbers a cursor holds, or null when it is not one of ours. */
export function decodeCursor<K extends string>(cursor: string, keys: readonly K[]): Record<K, number> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const out = {} as Record<K, number>;
    for (const key of keys) {
      const n = (value as Record<string, unknown>)[key];
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return null;
      out[key] = n;
    }
    return out;
  } catch {
    return null;
  }
}
