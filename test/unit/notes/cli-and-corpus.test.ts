import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';

const SHARED = join(process.cwd(), '..', 'shared');
const SCORER = join(SHARED, 'tools', 'score-notes.py');
const NOW = '2026-11-25T10:00:00+08:00';
const work = mkdtempSync(join(tmpdir(), 'genjin-parse-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const input = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  input.end(stdin);
  const code = await runCli(args, { stdin: input, stdout, stderr, env: {} });
  return { code, out, err };
}

/** Parses a labelled corpus through the CLI's --jsonl mode and scores it with the shared scorer. */
async function score(corpus: string): Promise<number> {
  const { code, out } = await cli(['parse', '--now', NOW, '--jsonl'], readFileSync(corpus, 'utf8'));
  expect(code).toBe(0);
  const parsedPath = join(work, 'parsed.jsonl');
  writeFileSync(parsedPath, out);
  const report = execFileSync('python3', [SCORER, corpus, parsedPath], { encoding: 'utf8' });
  const m = /field accuracy: ([\d.]+)/.exec(report);
  if (!m?.[1]) throw new Error(`unexpected scorer output: ${report}`);
  return Number(m[1]);
}

describe('genjin parse', () => {
  it('prints one JSON object for a note', async () => {
    const { code, out, err } = await cli(['parse', '--now', NOW, '--tz', 'Asia/Shanghai', '电联 保利地产 高总,合同还在谈,月底前争取签']);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(out)).toMatchObject({
      customer: '保利地产',
      contact: '高总',
      channel: 'call',
      stage: 'negotiation',
      nextFollowUpAt: '2026-11-30T09:00:00+08:00',
    });
  });

  it('with --jsonl writes one line per input line, in order, even for a bad line', async () => {
    const input = ['{"text":"美的集团签约了,合同金额88万"}', 'not json', '{"text":"Called Contoso Ltd"}'].join('\n');
    const { code, out, err } = await cli(['parse', '--now', NOW, '--jsonl'], input);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { customer: string | null });
    expect(lines.map((l) => l.customer)).toEqual(['美的集团', null, 'Contoso Ltd']);
    expect(err).toContain('line 2');
    expect(code).toBe(1);
  });

  it('explains bad flags', async () => {
    const { code, err } = await cli(['parse', '--now', 'yesterday', 'x']);
    expect(code).toBe(2);
    expect(err).toContain('--now must be an ISO 8601 time');
  });
});

// Locally a checkout without ../shared may skip these; in CI a skip would hide an accuracy
// regression behind a green run, so a missing scorer fails there instead.
const onCi = ['true', '1'].includes(process.env.CI?.trim().toLowerCase() ?? '');
const scorerMissing = !existsSync(SCORER);

function requireScorer(): void {
  if (scorerMissing) throw new Error('../shared/tools/score-notes.py is missing: CI needs ../shared beside the checkout');
}

describe('field accuracy on labelled notes (../shared/tools/score-notes.py)', () => {
  it.skipIf(scorerMissing && !onCi)('is at least 0.97 on the shared sample corpus', async () => {
    requireScorer();
    expect(await score(join(SHARED, 'corpus', 'notes.sample.jsonl'))).toBeGreaterThanOrEqual(0.97);
  });

  it.skipIf(scorerMissing && !onCi)('is at least 0.95 on our own labelled corpus', async () => {
    requireScorer();
    expect(await score(join(process.cwd(), 'test', 'fixtures', 'notes', 'notes.labelled.jsonl'))).toBeGreaterThanOrEqual(0.95);
  });

  // Round 5 (issue #14): notes written blind by another engineer, then our own fresh notes; both
  // were scored before any rule saw them (BENCHMARKS.md). The floors guard the fixes since.
  it.skipIf(scorerMissing && !onCi)('is at least 0.99 on the round 5 blind notes', async () => {
    requireScorer();
    expect(await score(join(process.cwd(), 'test', 'fixtures', 'notes', 'notes.round5-blind.jsonl'))).toBeGreaterThanOrEqual(0.99);
  });

  it.skipIf(scorerMissing && !onCi)('is at least 0.98 on the round 5 development notes', async () => {
    requireScorer();
    expect(await score(join(process.cwd(), 'test', 'fixtures', 'notes', 'notes.round5-dev.jsonl'))).toBeGreaterThanOrEqual(0.98);
  });

  // Round 6: 160 blind notes (0.906 at the starting commit 6fae7ab, labels unchanged) and our own
  // 40 development notes (0.945 when first scored, before the rules written after them).
  it.skipIf(scorerMissing && !onCi)('is at least 0.99 on the round 6 blind notes', async () => {
    requireScorer();
    expect(await score(join(process.cwd(), 'test', 'fixtures', 'notes', 'notes.round6-blind.jsonl'))).toBeGreaterThanOrEqual(0.99);
  });

  it.skipIf(scorerMissing && !onCi)('is at least 0.98 on the round 6 development notes', async () => {
    requireScorer();
    expect(await score(join(process.cwd(), 'test', 'fixtures', 'notes', 'notes.round6-dev.jsonl'))).toBeGreaterThanOrEqual(0.98);
  });

  // Round 7: 180 blind notes (Chinese styles, English, mixed and templates), 0.930 (923/992) at
  // the starting commit 11ba296, labels unchanged; 0.996 after the rules written for its misses.
  it.skipIf(scorerMissing && !onCi)('is at least 0.99 on the round 7 blind notes', async () => {
    requireScorer();
    expect(await score(join(process.cwd(), 'test', 'fixtures', 'notes', 'notes.round7-blind.jsonl'))).toBeGreaterThanOrEqual(0.99);
  });

  // Round 8: 100 blind notes held out from everyone who changed the parser in session 5, scored only
  // before (0.892 at 11ba296) and after (0.923): the honest figure for notes the rules never saw.
  // Session 6 (the customer read from the note's structure, branch customer-structure) then worked
  // from its misses: 0.923 -> 0.960, customer 0.83 -> 0.99; it is no longer a held-out figure.
  it.skipIf(scorerMissing && !onCi)('is at least 0.95 on the round 8 notes', async () => {
    requireScorer();
    expect(await score(join(process.cwd(), 'test', 'fixtures', 'notes', 'notes.round8-blind.jsonl'))).toBeGreaterThanOrEqual(0.95);
  });

  // Round 9 development set: 150 notes written blind while session 6 worked on the customer.
  // At the start (29a3c3c): 0.893 (886/992), customer 0.72. The fixes were written from the first
  // 100 (and rounds 7 and 8); the last 50 were scored only at the start and at the end, as the
  // held-out check: 0.880 -> 0.892, customer 0.70 -> 0.76. All 150 after the customer rules: 0.927
  // (920/992), customer 0.91; with the stage and channel rules too: 0.955 (947/992). Session 7's
  // round-10 rules and the customer tagger (trained on the fixtures): 0.982. The floor guards
  // that, less 0.01.
  it.skipIf(scorerMissing && !onCi)('is at least 0.97 on the round 9 development notes', async () => {
    requireScorer();
    expect(await score(join(process.cwd(), 'test', 'fixtures', 'notes', 'notes.round9-dev.jsonl'))).toBeGreaterThanOrEqual(0.97);
  });

  // Round 9 held out: 150 notes written blind in session 6 and kept from everyone who changed the
  // parser, scored only at the start (29a3c3c: 0.931, 854/917, customer 0.747) and at the end
  // (0.952, 873/917, customer 0.833): that session's figure for notes the rules never saw. Added
  // here after that last score, so it is no longer held out; the floor guards it, less 0.01.
  // Session 7 fixed from round 9's misses too (0.952 -> 0.992 with the round-10 rules and the
  // customer tagger, which is trained on the fixtures): the floor guards that, less 0.01.
  it.skipIf(scorerMissing && !onCi)('is at least 0.98 on the round 9 held-out notes', async () => {
    requireScorer();
    expect(await score(join(process.cwd(), 'test', 'fixtures', 'notes', 'notes.round9-blind.jsonl'))).toBeGreaterThanOrEqual(0.98);
  });

  // Round 10 development set: 150 notes written blind while session 7 worked. At the start
  // (6c0d675): 0.932 (859/922), customer 0.83. The fixes were written from the first 100; the last
  // 50 were scored at the start and the end only: 0.941 -> 0.954, customer 0.86 -> 0.92. All 150
  // at the end: 0.984 (907/922), before the tagger was trained on them too.
  it.skipIf(scorerMissing && !onCi)('is at least 0.97 on the round 10 development notes', async () => {
    requireScorer();
    expect(await score(join(process.cwd(), 'test', 'fixtures', 'notes', 'notes.round10-dev.jsonl'))).toBeGreaterThanOrEqual(0.97);
  });

  // Round 10 held out: 150 notes written blind in session 7 and kept from everyone who changed the
  // parser, scored only at the start (6c0d675: 0.908, 836/921, customer 0.747) and at the end
  // (0.927, 854/921, customer 0.820; the customer tagger gave 7 of its 11 customers gained). Added
  // here after that last score, so it is no longer held out; the floor guards it, less 0.01.
  it.skipIf(scorerMissing && !onCi)('is at least 0.92 on the round 10 held-out notes', async () => {
    requireScorer();
    expect(await score(join(process.cwd(), 'test', 'fixtures', 'notes', 'notes.round10-blind.jsonl'))).toBeGreaterThanOrEqual(0.92);
  });
});
