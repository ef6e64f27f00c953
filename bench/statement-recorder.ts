// The statements a bench step sends through drizzle, by shape, and their EXPLAIN: shared by
// bench:pool, bench:reminders and bench:digest.
import type mysql from 'mysql2/promise';

type Recorded = { query: string; params: unknown[]; count: number; ms: number };

/**
 * Records statements while a step runs (`start` … `stop`), given to drizzle as its `logger`. A
 * shape is the SQL with every list of placeholders and any VALUES tail folded, prefixed with the
 * step's name when it has one; the first call's parameters are kept for EXPLAIN. A step's
 * statements run one after another, so the time until the next one starts is charged to the last
 * (with the JS between them).
 */
export function createStatementRecorder() {
  const seen = new Map<string, Recorded>();
  let step: string | null = null;
  let last: { shape: string; at: number } | null = null;
  const chargeLast = (at: number) => {
    const previous = last && seen.get(last.shape);
    if (previous && last) previous.ms += at - last.at;
  };
  return {
    logger: {
      logQuery(query: string, params: unknown[]) {
        if (step === null) return;
        const folded = (query.startsWith('insert') ? query.slice(0, 400) : query)
          .replace(/\(\?(, \?)*\)/g, '(…)')
          .replace(/values \(.*$/i, 'values …');
        const shape = step ? `${step}: ${folded}` : folded;
        const at = performance.now();
        chargeLast(at);
        last = { shape, at };
        const recorded = seen.get(shape);
        if (recorded) recorded.count += 1;
        else seen.set(shape, { query, params, count: 1, ms: 0 });
      },
    },
    /** Records what follows, under `name` when given. */
    start(name = ''): void {
      step = name;
    },
    stop(): void {
      chargeLast(performance.now());
      last = null;
      step = null;
    },
    /** Prints each shape with its count (and time, with `withTime`), and the EXPLAIN of each SELECT. */
    async printPlans(pool: mysql.Pool, heading: string, opts: { withTime: boolean; maxShape: number }): Promise<void> {
      console.log(`\n${heading}`);
      for (const [shape, { query, params, count, ms }] of seen) {
        const time = opts.withTime ? `, ${ms.toFixed(0)} ms in all` : '';
        console.log(`\n× ${count}${time}  ${shape.length > opts.maxShape ? `${shape.slice(0, opts.maxShape)}…` : shape}`);
        if (!/^select/i.test(query)) continue;
        const [plan] = await pool.query<mysql.RowDataPacket[]>(`explain ${pool.format(query, params as never[])}`);
        for (const row of plan)
          console.log(
            `   ${String(row.select_type)} ${String(row.table)}: type=${String(row.type)} key=${String(row.key ?? '-')} rows=${String(row.rows)} ${String(row.Extra ?? '')}`,
          );
      }
    },
  };
}
