// What bench:e2e counts: the CPU of the service's whole process tree (a worker process forked from a
// worker thread, and a child that exited before the second reading), and the kind and shape of a
// logged statement.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { statementKind, statementShape } from '../../../bench/e2e/general-log.js';
import { processCpuSeconds, processTree, treeCpuSeconds } from '../../../bench/e2e/proc-stats.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A node child that burns `ms` of CPU time (not wall time, so a loaded machine only slows it). */
const burn = (ms: number) => `const u = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; }; while (u() < ${ms});`;

describe.runIf(process.platform === 'linux')('bench:e2e process tree', () => {
  it('counts a grandchild forked from a worker thread and a child that already exited', { timeout: 30_000 }, async () => {
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const { spawn } = require('node:child_process');
         const { Worker } = require('node:worker_threads');
         const short = spawn(process.execPath, ['-e', ${JSON.stringify(burn(400))}]);
         short.on('exit', () => {
           new Worker("require('node:child_process').spawn(process.execPath, ['-e', " + JSON.stringify(${JSON.stringify(burn(60_000))}) + "]); setTimeout(() => {}, 60000)", { eval: true });
         });
         setTimeout(() => {}, 60000);`,
      ],
      { stdio: 'ignore' },
    );
    const pid = parent.pid as number;
    try {
      const before = treeCpuSeconds([pid]);
      // Wait until the short child has exited (and been reaped) and the worker thread's child runs.
      const isLong = (p: number) => p !== pid && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('60000');
      let tree: number[] = [];
      for (let i = 0; i < 200 && !tree.some(isLong); i++) {
        await sleep(100);
        tree = processTree([pid]);
      }
      expect(tree, 'the parent and the process its worker thread started').toHaveLength(2);
      await sleep(500);
      const grandchild = tree.find(isLong) as number;
      const own = processCpuSeconds(pid) ?? NaN;
      const grandchildCpu = processCpuSeconds(grandchild) ?? NaN;
      const total = treeCpuSeconds([pid]) - before;
      // The exited child's 0.4 s are in the parent's cutime: the tree is more than the two live processes.
      expect(total).toBeGreaterThanOrEqual(own + grandchildCpu + 0.3 - before);
      expect(grandchildCpu).toBeGreaterThan(0);
    } finally {
      for (const p of processTree([pid]).reverse()) process.kill(p, 'SIGKILL');
    }
  });
});

describe('bench:e2e statement kinds and shapes', () => {
  it('names the kind of each statement drizzle and mysql2 send', () => {
    expect(statementKind('select `id` from `users` where `users`.`id` = 1')).toBe('select');
    expect(statementKind('insert ignore into `outbox` (`id`) values (default)')).toBe('insert');
    expect(statementKind('update `outbox` set `status` = ?')).toBe('update');
    expect(statementKind('delete from `note_prompts` where `id` = 3')).toBe('delete');
    expect(statementKind('begin')).toBe('begin');
    expect(statementKind('START TRANSACTION')).toBe('begin');
    expect(statementKind('commit')).toBe('commit');
    expect(statementKind('set transaction isolation level read committed')).toBe('set');
    expect(statementKind('(select 1) union (select 2)')).toBe('select');
    expect(statementKind('SHOW WARNINGS')).toBe('other');
  });

  it('gives the same shape to the same statement with other values, and keeps no literal', () => {
    const a = statementShape(
      "select `id`, `name`, `stage`, `owner_user_id` from `customers` where `customers`.`workspace_id` = 3 and `name` in ('杭州云帆物流', 'x''y')",
    );
    const b = statementShape(
      "select `id`, `name`, `stage`, `owner_user_id` from `customers` where `customers`.`workspace_id` = 12 and `name` in ('甲')",
    );
    expect(a).toBe(b);
    expect(a).toBe('select … from customers where customers.workspace_id = ? and name in (…)');
    expect(statementShape("insert into `follow_ups` (`id`, `raw_text`) values (default, '今天拜访了王总'), (default, 'b')")).toBe(
      'insert into follow_ups (…) values (…)',
    );
  });
});
