// Resident memory of the note parser at idle: `npm run bench:memory [-- --notes 2000 --rounds 3]`;
// `-- --against ../other-checkout` measures that checkout's parser too, interleaved with this one.
//
// Each scenario runs in a fresh `node --expose-gc` process on the parser transpiled to plain
// JavaScript (no tsx loader thread in the measured process), parses N notes, collects garbage,
// waits and reads VmRSS from /proc/self/status. Scenarios alternate round by round, so that a
// busy moment on the shared machine touches every scenario alike.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) || fallback : fallback;
};
const noteCount = arg('--notes', 2000);
const rounds = arg('--rounds', 3);
// `--against DIR` (repeatable): other checkouts measured in the same rounds, as peers.
const against = process.argv.flatMap((a, i) => (a === '--against' && process.argv[i + 1] ? [process.argv[i + 1] as string] : []));
// `--node-flag FLAG` (repeatable): passed to every measured process, e.g. --max-semi-space-size=4.
const nodeFlags = process.argv.flatMap((a, i) => (a === '--node-flag' && process.argv[i + 1] ? [process.argv[i + 1] as string] : []));
const trees = [{ label: 'this checkout', root: '.' }, ...against.map((root) => ({ label: root, root }))];

const files = [
  join('test', 'fixtures', 'notes', 'notes.labelled.jsonl'),
  join('test', 'fixtures', 'notes', 'notes.round5-blind.jsonl'),
  join('test', 'fixtures', 'notes', 'notes.round5-dev.jsonl'),
  join('..', 'shared', 'corpus', 'notes.sample.jsonl'),
].filter((f) => existsSync(f));
const notes = files.flatMap((f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text),
);
const CJK = /[\u4e00-\u9fff]/;

// Under node_modules so that the transpiled parser resolves its packages as the service does.
const out = join('node_modules', '.cache', 'genjin-bench-memory');
rmSync(out, { recursive: true, force: true });
trees.forEach(({ root }, t) => {
  const source = join(root, 'src', 'domain', 'notes');
  mkdirSync(join(out, String(t), 'notes'), { recursive: true });
  for (const file of readdirSync(source).filter((f) => f.endsWith('.ts'))) {
    const js = ts.transpileModule(readFileSync(join(source, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(out, String(t), 'notes', file.replace(/\.ts$/, '.js')), js);
  }
});
writeFileSync(join(out, 'package.json'), '{"type":"module"}');
writeFileSync(
  join(out, 'notes.json'),
  JSON.stringify({ zh: notes.filter((n) => CJK.test(n)), en: notes.filter((n) => !CJK.test(n)), all: notes }),
);
writeFileSync(
  join(out, 'child.js'),
  `
import { readFileSync } from 'node:fs';
const [tree, scenario, count] = process.argv.slice(2);
const mb = (field) => Math.round(Number(/\\d+/.exec(readFileSync('/proc/self/status', 'utf8').split('\\n').find((l) => l.startsWith(field)))[0]) / 1024 * 10) / 10;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const result = { scenario };
if (scenario !== 'node') {
  const { parseNote } = await import(\`./\${tree}/notes/index.js\`);
  result.imported = mb('VmRSS');
  const list = scenario === 'import' ? [] : JSON.parse(readFileSync(new URL('./notes.json', import.meta.url), 'utf8'))[scenario];
  const now = new Date('2026-11-25T10:00:00+08:00');
  for (let i = 0; i < Number(count) && list.length > 0; i++) parseNote(list[i % list.length], { now, timeZone: 'Asia/Shanghai' });
}
result.afterNotes = mb('VmRSS');
globalThis.gc(); await sleep(2000); globalThis.gc(); await sleep(1000);
result.idle = mb('VmRSS');
result.peak = mb('VmHWM');
result.heap = Math.round(process.memoryUsage().heapTotal / 1048576 * 10) / 10;
console.log(JSON.stringify(result));
`,
);

type Result = { scenario: string; imported?: number; afterNotes: number; idle: number; peak: number; heap: number };
const scenarios = ['node', 'import', 'zh', 'en', 'all'];
const results = new Map<string, Result[]>();
for (let r = 0; r < rounds; r++) {
  for (const scenario of scenarios) {
    trees.forEach((_, t) => {
      if (scenario === 'node' && t > 0) return;
      const line = execFileSync(
        process.execPath,
        ['--expose-gc', ...nodeFlags, join(out, 'child.js'), String(t), scenario, String(noteCount)],
        {
          encoding: 'utf8',
        },
      );
      const key = `${t} ${scenario}`;
      results.set(key, [...(results.get(key) ?? []), JSON.parse(line) as Result]);
    });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const cell = (xs: number[]) => `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
const counts = { zh: notes.filter((n) => CJK.test(n)).length, en: notes.filter((n) => !CJK.test(n)).length, all: notes.length };
console.log(
  `node ${process.version}${nodeFlags.length ? ` ${nodeFlags.join(' ')}` : ''}, ${noteCount} notes per process, ${rounds} rounds; MB, median (min–max)`,
);
console.log(
  `${'scenario'.padEnd(46)} ${'after import'.padEnd(18)} ${'after notes'.padEnd(18)} ${'idle'.padEnd(18)} ${'peak'.padEnd(18)} V8 heap at idle`,
);
const labels: Record<string, string> = {
  node: 'bare node (peer)',
  import: 'parser imported, no note',
  zh: `Chinese and mixed notes (${counts.zh} distinct)`,
  en: `English notes (${counts.en} distinct)`,
  all: `every note (${counts.all} distinct)`,
};
trees.forEach(({ label }, t) => {
  if (trees.length > 1) console.log(label);
  for (const scenario of scenarios) {
    const rs = results.get(`${t} ${scenario}`);
    if (!rs) continue;
    const imported = rs.map((r) => r.imported).filter((x): x is number => x !== undefined);
    console.log(
      `${(labels[scenario] ?? scenario).padEnd(46)} ${(imported.length ? cell(imported) : '').padEnd(18)} ${cell(rs.map((r) => r.afterNotes)).padEnd(18)} ${cell(rs.map((r) => r.idle)).padEnd(18)} ${cell(rs.map((r) => r.peak)).padEnd(18)} ${cell(rs.map((r) => r.heap))}`,
    );
  }
});
