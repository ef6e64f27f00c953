// Markdown tables from a results file of `npm run bench:e2e` (printed at the end of a run, or
// `tsx bench/e2e/report.ts <results.json>`): each figure per round, "r1 / r2 / r3".
import { readFileSync } from 'node:fs';

type Row = Record<string, unknown> & { target?: string; cpu?: { wall: number; other: number } };
export type Results = Record<string, unknown> & { rounds: Record<string, Row[]>[] };

const num = (v: unknown, digits = 0) =>
  typeof v === 'number' && Number.isFinite(v)
    ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';
const ms = (v: unknown) =>
  typeof v !== 'number' ? '–' : v >= 1000 ? `${num(v / 1000, 2)} s` : v < 10 ? `${num(v, 1)} ms` : `${num(v)} ms`;

/** The rows of `phase` for `target` across rounds. */
function across(r: Results, phase: string, target: string): Row[] {
  return r.rounds.map((round) => (round[phase] ?? []).find((x) => x.target === target)).filter((x): x is Row => Boolean(x));
}
const each = (rows: Row[], f: (x: Row) => string) => rows.map(f).join(' / ');
/** Other processes' CPU during a phase, in cores (the machine has 2). */
const otherCores = (x: Row) => (x.cpu ? num(x.cpu.other / x.cpu.wall, 1) : '–');

export function report(r: Results): string {
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  line(
    `Run ${String(r.date)}, Node ${String(r.node)}, ${String(r.cpus)}, ${String(r.mariadb)}; ${r.rounds.length} round(s), r1 / r2 / r3.`,
  );
  line();
  line('Feishu, acknowledgement at a fixed 500 notes/s (open loop; latency from each due time):');
  line();
  line('| server | p50 | p99 | max | errors | genjin: backlog answered after the load | other processes (cores) |');
  line('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const t of ['genjin', 'sdk', 'fastify-json']) {
    const rows = across(r, 'feishuAck', t);
    const drain = t === 'genjin' ? each(rows, (x) => `${num(x.drainSeconds)} s`) : '';
    line(
      `| ${t} | ${each(rows, (x) => ms(x.p50))} | ${each(rows, (x) => ms(x.p99))} | ${each(rows, (x) => ms(x.max))} | ${each(rows, (x) => num(x.errors))} | ${drain} | ${each(rows, otherCores)} |`,
    );
  }
  line();
  line('Feishu, saturation (genjin: notes stored and answered per second; peers: acknowledged requests per second):');
  line();
  line('| server | per second | service CPU per note | MariaDB CPU per note | ack errors | other processes (cores) |');
  line('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const t of ['genjin small', 'genjin large', 'sdk', 'fastify-json']) {
    const rows = across(r, 'feishuSaturation', t);
    const g = t.startsWith('genjin');
    line(
      `| ${t} | ${each(rows, (x) => num(x.perSecond))} | ${g ? each(rows, (x) => `${num(x.cpuMsPerNote, 1)} ms`) : ''} | ${g ? each(rows, (x) => `${num(x.mysqldCpuMsPerNote, 1)} ms`) : ''} | ${each(rows, (x) => num(g ? x.ackErrors : x.errors))} | ${each(rows, otherCores)} |`,
    );
  }
  line();
  line('Webhook → reply card at 100 notes/s (from each due time to the reply at the stand-in):');
  line();
  line('| workspace | p50 | p99 | max | processed / sent |');
  line('| --- | ---: | ---: | ---: | ---: |');
  for (const t of ['e2e_small', 'e2e_large']) {
    const rows = across(r, 'latency', t);
    line(
      `| ${t} | ${each(rows, (x) => ms(x.p50))} | ${each(rows, (x) => ms(x.p99))} | ${each(rows, (x) => ms(x.max))} | ${each(rows, (x) => `${num(x.processed)}/${num(x.sent)}`)} |`,
    );
  }
  line();
  line('WeCom (XML), acknowledgement at 500/s and saturation:');
  line();
  line('| server | ack p50 | ack p99 | errors | backlog answered after | saturation per second | CPU per note |');
  line('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const t of ['genjin', 'fastify-xml']) {
    const a = across(r, 'wecomAck', t);
    const s = across(r, 'wecomSaturation', t);
    const g = t === 'genjin';
    line(
      `| ${t} | ${each(a, (x) => ms(x.p50))} | ${each(a, (x) => ms(x.p99))} | ${each(a, (x) => num(x.errors))} | ${g ? each(a, (x) => `${num(x.drainSeconds)} s`) : ''} | ${each(s, (x) => num(x.perSecond))} | ${g ? each(s, (x) => `${num(x.cpuMsPerNote, 1)} ms`) : ''} |`,
    );
  }
  const sql = r.sql as Record<string, Record<string, unknown>> | undefined;
  if (sql) {
    line();
    line(`Statements per note (the service's account; its idle rate, ${num(sql.idle?.perSecond, 1)}/s, subtracted):`);
    line();
    line('| note | statements | raw | rows read | server-wide Questions |');
    line('| --- | ---: | ---: | ---: | ---: |');
    for (const k of ['known', 'new']) {
      const s = sql[k] as Record<string, unknown> & { user?: Record<string, number>; notes: number };
      line(
        `| ${k} | ${num(s.perNote, 1)} | ${num(s.perNoteRaw, 1)} | ${num((s.user?.rowsRead ?? NaN) / s.notes)} | ${num(s.questionsPerNote)} |`,
      );
    }
  }
  const long = r.long as Record<string, number> | undefined;
  if (long) {
    line();
    line(
      `Memory: idle ${num(r.idleRssMb)} MB after boot; long run of ${num(long.sent)} notes (${num(long.processed)} processed in ${num(long.seconds)} s): ${num(long.rssBeforeMb)} MB before, peak ${num(long.rssPeakMb)} MB, ${num(long.rssAfter15sMb)} MB 15 s after; VmHWM over the whole run ${num(long.hwmMb)} MB.`,
    );
  }
  return out.join('\n');
}

if (process.argv[1]?.endsWith('report.ts')) console.log(report(JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Results));
