import type { z } from 'zod';

/** One line per zod issue, prefixed by where it is (`PORT`, `<file>: teams[0].id`). */
export function formatIssues(error: z.ZodError, where: (path: string) => string): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
      .join('.')
      .replace(/\.\[/g, '[');
    const message = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}: remove or correct them` : issue.message;
    return `${where(path)} ${message}`;
  });
}
