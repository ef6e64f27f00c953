// Notes per second on one core for the rule parser: `npm run bench:parse [-- --seconds 5]`.
import { existsSync, readFileSync } from 'node:fs';
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
