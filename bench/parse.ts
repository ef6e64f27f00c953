// Notes per second on one core for the rule parser: `npm run bench:parse [-- --seconds 5]`.
// `-- --dump FILE` writes every draft instead (see `dump` below), to diff a change against.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseNote, type KnownCustomer } from '../src/domain/notes/index.js';
import { attachIndex, createKnownCustomerIndex } from '../src/domain/notes/known-customer-index.js';
import { customerNames } from './customer-names.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 5;
// `--with-round5` adds the round-5 blind and development notes (more English, mixed and long notes).
const round5 = process.argv.includes('--with-round5')
  ? [join('test', 'fixtures', 'notes', 'notes.round5-blind.jsonl'), join('test', 'fixtures', 'notes', 'notes.round5-dev.jsonl')]
  : [];
const files = [
  join('test', 'fixtures', 'notes', 'notes.labelled.jsonl'),
  join('..', 'shared', 'corpus', 'notes.sample.jsonl'),
  ...round5,
].filter((f) => existsSync(f));
const notes = files.flatMap((f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text),
);
const known = Array.from({ length: 200 }, (_, i) => ({ id: String(i), name: `示例客户${i}科技有限公司` }));
// 2,000 names in the corpus's style, the corpus's own customers among them, so notes do match.
const known2000 = customerNames(2000).map((name, i) => ({ id: String(i), name }));
const index = createKnownCustomerIndex();
known2000.forEach((c, i) => index.set(c, -i));
// As the customer name cache hands them out: the same list with its index attached.
const known2000Indexed = attachIndex([...known2000], { index, admits: () => true });
const opts = { now: new Date('2026-11-25T10:00:00+08:00'), timeZone: 'Asia/Shanghai' };

/**
 * Every draft, one JSON line each: the fixture and corpus notes (round 5 included) and a note
 * around every seventh bench customer name, at four instants (one at the turn of a year) in two
 * zones without known customers, and at one instant with the bench's 200 made-up names, 200 real
 * ones scanned, the same 200 indexed (one in five not admitted) and 2,000 indexed. A change
 * meant to keep results must leave the file byte for byte the same.
 */
function dump(file: string): void {
  const texts = [
    ...notes,
    ...[join('test', 'fixtures', 'notes', 'notes.round5-blind.jsonl'), join('test', 'fixtures', 'notes', 'notes.round5-dev.jsonl')]
      .filter((f) => existsSync(f) && !files.includes(f))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { text: string }).text),
      ),
  ];
  const shapes = [
    (n: string) => `今天拜访了${n}王总,下周三发报价`,
    (n: string) => `给${n}的李经理打电话,需求确认了,预算50万`,
    (n: string) => `${n} 采购部 钱总 微信沟通 月底签约`,
    (n: string) => `Met with ${n} today, Jane Roe, next Tuesday demo`,
    (n: string) => `跟进${n.replace(/有限公司|集团|股份有限公司/, '')}那边,报价已发`,
  ];
  known2000.forEach((c, i) => {
    if (i % 7 === 0) texts.push(shapes[i % shapes.length]?.(c.name) ?? c.name);
  });
  const real200 = known2000.slice(0, 200).map((c, i) => ({ ...c, aliases: i % 10 === 0 ? [`别名${i}`] : [] }));
  const index200 = createKnownCustomerIndex();
  real200.forEach((c, i) => index200.set(c, -i));
  const sets: [string, KnownCustomer[] | null][] = [
    ['none', null],
    ['bench200', known],
    ['scan200', real200],
    ['index200', attachIndex([...real200], { index: index200, admits: (c) => Number(c.id) % 5 !== 1 })],
    ['index2000', known2000Indexed],
  ];
  const instants = ['2026-11-25T10:00:00+08:00', '2026-12-31T23:30:00+08:00', '2026-03-01T08:00:00Z', '2027-02-28T16:45:00+08:00'];
  const lines: string[] = [];
  for (const [set, knownCustomers] of sets)
    for (const timeZone of ['Asia/Shanghai', 'America/New_York'])
      for (const at of knownCustomers ? instants.slice(0, 1) : instants) {
        const now = new Date(at);
        texts.forEach((text, i) =>
          lines.push(
            JSON.stringify({
              i,
              set,
              timeZone,
              at,
              draft: parseNote(text, knownCustomers ? { now, timeZone, knownCustomers } : { now, timeZone }),
            }),
          ),
        );
      }
  writeFileSync(file, `${lines.join('\n')}\n`);
  console.log(`${texts.length} notes, ${lines.length} drafts written to ${file}`);
}

const dumpTo = process.argv.includes('--dump') ? process.argv[process.argv.indexOf('--dump') + 1] : undefined;
if (dumpTo) {
  dump(dumpTo);
  process.exit(0);
}

// Warm up the JIT and the Intl caches before measuring.
for (let i = 0; i < 2000; i++) parseNote(notes[i % notes.length] ?? '', opts);

function run(label: string, knownCustomers: KnownCustomer[] | null): void {
  const samples: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  const started = performance.now();
  while (performance.now() < deadline) {
    // Every note gets its own `now`, as live messages do, so no per-instant cache flatters the result.
    const now = new Date(opts.now.getTime() + count * 1000);
    const t0 = performance.now();
    parseNote(
      notes[count % notes.length] ?? '',
      knownCustomers ? { now, timeZone: opts.timeZone, knownCustomers } : { now, timeZone: opts.timeZone },
    );
    samples.push(performance.now() - t0);
    count++;
  }
  const elapsed = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  const pct = (p: number) => ((samples[Math.floor(samples.length * p)] ?? 0) * 1000).toFixed(1);
  console.log(
    `${label.padEnd(44)} ${Math.round(count / elapsed)
      .toLocaleString('en-US')
      .padStart(8)} notes/s   p50 ${pct(0.5)} µs   p99 ${pct(0.99)} µs`,
  );
}

console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} (${cpus().length} cores; one used), ${notes.length} distinct notes, ${seconds} s per run`,
);
run('rules', null);
run('rules + 200 known customers (scan)', known);
run('rules + 2,000 known customers (scan)', known2000);
run('rules + 2,000 known customers (index)', known2000Indexed);
