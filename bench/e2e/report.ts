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
/** genjin at saturation: notes stored and answered before the wait ended, of those acknowledged. */
const answeredOfAcked = (x: Row) => `${num(x.processed)} / ${num(x.acked)}`;
/** Other processes' CPU during a phase, in cores (the machine has 2). */
const otherCores = (x: Row) => (x.cpu ? num(x.cpu.other / x.cpu.wall, 1) : '–');

export function report(r: Results): string {
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  const load = (v: unknown) => (Array.isArray(v) ? v.map((x) => num(x, 2)).join(', ') : '–');
  line(
    `Run ${String(r.date)}, Node ${String(r.node)}, ${String(r.cpus)}, ${String(r.mariadb)}; service shape ${String(r.shape)} (${r.shape === 'split' ? 'web process + a genjin worker process' : r.shape === 'inline' ? 'GENJIN_WORKER=inline' : r.shape === 'fork' ? 'GENJIN_WORKER=fork' : 'npm start as shipped'}); ${r.rounds.length} round(s), r1 / r2 / r3; database over ${String(r.databaseConnection ?? 'TCP on loopback')};${r.nodeOptions ? ` NODE_OPTIONS ${String(r.nodeOptions)};` : ''} load average ${load(r.loadAtStart)} at the start, ${load(r.loadAtEnd)} at the end.`,
  );
  const has = (phase: string) => r.rounds.some((round) => (round[phase] ?? []).length > 0);
  const busy = r.rounds.flatMap((round) => (round.settle ?? []).filter((x) => Number(x.inbox) > 0 || Number(x.outbox) > 0));
  if (busy.length > 0)
    line(
      `**${busy.length} phase(s) started while genjin still had a backlog after 120 s** (its work competed with them): ${busy.map((x) => `${String(x.phase)} (${num(x.inbox)} inbox, ${num(x.outbox)} outbox)`).join('; ')}.`,
    );
  if (has('feishuAck')) feishuAck(r, line);
  if (has('feishuAckSaturation')) feishuAckSaturation(r, line);
  if (has('feishuSaturation')) feishuSaturation(r, line);
  if (has('latency')) latency(r, line);
  if (has('wecomAck') || has('wecomSaturation')) wecomTable(r, line);
  sqlTables(r, line);
  longRun(r, line);
  return out.join('\n');
}

type Line = (s?: string) => void;

function feishuAck(r: Results, line: Line) {
  line();
  line('Feishu, acknowledgement at a fixed 500 notes/s (open loop; latency from each due time):');
  line();
  line('| server | p50 | p99 | max | errors | genjin: backlog answered after the load | other processes (cores) |');
  line('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const t of ['genjin', 'sdk', 'fastify-json']) {
    const rows = across(r, 'feishuAck', t);
    const drain = t === 'genjin' ? each(rows, (x) => `${num(x.drainSeconds)} s (${num(x.processed)} / ${num(x.ok)} answered)`) : '';
    line(
      `| ${t} | ${each(rows, (x) => ms(x.p50))} | ${each(rows, (x) => ms(x.p99))} | ${each(rows, (x) => ms(x.max))} | ${each(rows, (x) => num(x.errors))} | ${drain} | ${each(rows, otherCores)} |`,
    );
  }
  const cold = r.coldAck as Row | undefined;
  if (cold)
    line(
      `| genjin, first burst after boot (before round 1) | ${ms(cold.p50)} | ${ms(cold.p99)} | ${ms(cold.max)} | ${num(cold.errors)} | ${num(cold.drainSeconds)} s (${num(cold.processed)} / ${num(cold.ok)} answered) | ${otherCores(cold)} |`,
    );
}

function feishuAckSaturation(r: Results, line: Line) {
  line();
  line(
    'Feishu, acknowledgements at saturation (acknowledged requests per second over 64 connections; genjin processes every note behind, each a fresh event id):',
  );
  line();
  line('| server | per second | p50 | p99 | errors | genjin: backlog answered after | other processes (cores) |');
  line('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const t of ['genjin', 'sdk', 'fastify-json']) {
    const rows = across(r, 'feishuAckSaturation', t);
    const drain = t === 'genjin' ? each(rows, (x) => `${num(x.drainSeconds)} s`) : '';
    line(
      `| ${t} | ${each(rows, (x) => num(x.perSecond))} | ${each(rows, (x) => ms(x.p50))} | ${each(rows, (x) => ms(x.p99))} | ${each(rows, (x) => num(x.errors))} | ${drain} | ${each(rows, otherCores)} |`,
    );
  }
}

function feishuSaturation(r: Results, line: Line) {
  line();
  line('Feishu, saturation (genjin: notes stored and answered per second; peers: acknowledged requests per second):');
  line();
  line(
    '| server | per second | genjin: stored and answered / acknowledged | service CPU per note | MariaDB CPU per note | ack errors | other processes (cores) |',
  );
  line('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const t of ['genjin small', 'genjin large', 'sdk', 'fastify-json']) {
    const rows = across(r, 'feishuSaturation', t);
    const g = t.startsWith('genjin');
    line(
      `| ${t} | ${each(rows, (x) => num(x.perSecond))} | ${g ? each(rows, answeredOfAcked) : ''} | ${g ? each(rows, (x) => `${num(x.cpuMsPerNote, 1)} ms`) : ''} | ${g ? each(rows, (x) => `${num(x.mysqldCpuMsPerNote, 1)} ms`) : ''} | ${each(rows, (x) => num(g ? x.ackErrors : x.errors))} | ${each(rows, otherCores)} |`,
    );
  }
}

function latency(r: Results, line: Line) {
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
}

function wecomTable(r: Results, line: Line) {
  line();
  line('WeCom (XML), acknowledgement at 500/s and saturation:');
  line();
  line(
    '| server | ack p50 | ack p99 | errors | backlog answered after | saturation per second | genjin: stored and answered / acknowledged | CPU per note |',
  );
  line('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const t of ['genjin', 'fastify-xml']) {
    const a = across(r, 'wecomAck', t);
    const s = across(r, 'wecomSaturation', t);
    const g = t === 'genjin';
    line(
      `| ${t} | ${each(a, (x) => ms(x.p50))} | ${each(a, (x) => ms(x.p99))} | ${each(a, (x) => num(x.errors))} | ${g ? each(a, (x) => `${num(x.drainSeconds)} s`) : ''} | ${each(s, (x) => num(x.perSecond))} | ${g ? each(s, answeredOfAcked) : ''} | ${g ? each(s, (x) => `${num(x.cpuMsPerNote, 1)} ms`) : ''} |`,
    );
  }
}

type SqlRow = Record<string, unknown> & {
  notes: number;
  account?: Record<string, number> | null;
  accountLessIdle?: Record<string, number> | null;
  byKind?: Record<string, number> | null;
  topShapes?: { shape: string; perNote: number }[];
};

function sqlTables(r: Results, line: Line) {
  const sql = r.sql as (Record<string, SqlRow> & { idle?: { perSecond?: number } }) | undefined;
  if (!sql) return;
  line();
  line(`Statements per note (the service's account; its idle rate, ${num(sql.idle?.perSecond, 1)}/s, subtracted):`);
  line();
  line('| note | statements | raw | account: SELECT / writes / other | rows read (raw) | server-wide Questions |');
  line('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const k of ['known', 'new']) {
    const s = sql[k];
    if (!s) continue;
    const a = s.account ?? {};
    const lessIdle = (s.accountLessIdle ?? {}) as Record<string, number>;
    line(
      `| ${k} | ${num(s.perNote, 1)} | ${num(s.perNoteRaw, 1)} | ${num(lessIdle.selects, 1)} / ${num(lessIdle.updates, 1)} / ${num(lessIdle.other, 1)} | ${num(lessIdle.rowsRead)} (${num(a.rowsRead)}) | ${num(s.questionsPerNote)} |`,
    );
  }
  for (const k of ['known', 'new']) {
    const rows = Object.entries((sql[k]?.rowsReadPerNote ?? {}) as Record<string, number>).slice(0, 12);
    if (rows.length > 0)
      line(`Rows read per note, ${k} (table, then table.index; idle subtracted): ${rows.map(([t, n]) => `${t} ${num(n)}`).join(', ')}.`);
  }
  const kinds = ['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback', 'set', 'other'];
  if (!sql.known?.byKind && !sql.new?.byKind) {
    line();
    line(
      `By kind: no general log (${JSON.stringify((sql.known?.generalLog as { skipped?: string } | undefined)?.skipped ?? 'not read')}).`,
    );
    return;
  }
  line();
  line('By kind, per note (general log of the service account, idle rate subtracted):');
  line();
  line(`| note | ${kinds.join(' | ')} | all |`);
  line(`| --- | ${kinds.map(() => '---:').join(' | ')} | ---: |`);
  for (const k of ['known', 'new']) {
    const b = sql[k]?.byKind;
    if (!b) continue;
    line(
      `| ${k} | ${kinds.map((x) => num(b[x], 1)).join(' | ')} | ${num(
        Object.values(b).reduce((x, y) => x + y, 0),
        1,
      )} |`,
    );
  }
  for (const k of ['known', 'new']) {
    const shapes = sql[k]?.topShapes ?? [];
    if (shapes.length === 0) continue;
    line();
    line(`Statements of a ${k === 'known' ? 'known user about their own customer' : 'new user about a new customer'}, per note, by shape:`);
    line();
    line('| per note | statement |');
    line('| ---: | --- |');
    for (const s of shapes.slice(0, 40)) line(`| ${num(s.perNote, 2)} | \`${s.shape.replace(/\|/g, '\\|').replace(/`/g, "'")}\` |`);
  }
}

function longRun(r: Results, line: Line) {
  const long = r.long as (Record<string, unknown> & Record<string, number>) | undefined;
  if (long) {
    line();
    line(
      `Long run: ${num(long.asked)} notes asked, ${num(long.sent)} sent, ${num(long.processed)} stored and answered in ${num(long.seconds)} s (${num(long.perSecond)}/s, service CPU ${num(long.cpuMsPerNote, 1)} ms and MariaDB ${num(long.mysqldCpuMsPerNote, 1)} ms per note)${long.cutShort ? ', **cut short by the time bound**' : ''}; ack errors ${num(long.ackErrors)}.`,
    );
    line(
      `Resident memory (service processes summed): idle ${num(r.idleRssMb)} MB after boot; ${num(long.rssIdleBeforeMb)} MB idle before the long run, **peak ${num(long.rssPeakMb)} MB** during it, ${num(long.rssAfterMb)} MB ${num(long.afterIdleSeconds)} s after it; per process peak ${JSON.stringify(long.rssPeakByProcessMb)}.`,
    );
    if (typeof long.pssPeakMb === 'number')
      line(
        `Proportional set size (shared pages such as the node binary counted once, not once per process): idle ${num(r.idlePssMb)} MB after boot; ${num(long.pssIdleBeforeMb)} MB before the long run, **peak ${num(long.pssPeakMb)} MB** during it, ${num(long.pssAfterMb)} MB after it.`,
      );
  } else if (typeof r.idleRssMb === 'number') {
    line();
    line(
      `Resident memory (service processes summed): idle ${num(r.idleRssMb)} MB after boot${typeof r.idlePssMb === 'number' ? ` (proportional set size, shared pages counted once: ${num(r.idlePssMb)} MB)` : ''}.`,
    );
  }
  if (typeof r.rssPeakOverallMb === 'number')
    line(`Peak resident memory over the whole run (sampled, summed): ${num(r.rssPeakOverallMb)} MB.`);
}

if (process.argv[1]?.endsWith('report.ts')) console.log(report(JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Results));
