// What the machine and each process did, read from /proc (Linux): CPU seconds and resident memory.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux x86-64

/** Fields of /proc/<pid>/stat after the command name (field 3, `state`, is index 0); null once it is gone. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** User + system CPU seconds of a process, all its threads included; null once it is gone. */
export function processCpuSeconds(pid: number): number | null {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND : null;
}

/**
 * A process and all its descendants (child processes a service forks, theirs, …), read from every
 * thread's /proc/<pid>/task/<tid>/children (a child forked by a worker thread is listed under that
 * thread). Threads themselves are not processes: their CPU is already in their process's stat.
 */
export function processTree(roots: number[]): number[] {
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    for (const tid of readdirSafe(`/proc/${pid}/task`)) {
      try {
        for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/))
          if (child) queue.push(Number(child));
      } catch {
        // thread or process gone meanwhile
      }
    }
  }
  return [...seen].filter((pid) => statFields(pid) !== null);
}

/**
 * CPU seconds of the process trees under `roots`: for each live process, its own user + system time
 * plus what its children that already exited and were reaped spent (cutime + cstime), so a child
 * process that comes and goes between two readings is still counted.
 */
export function treeCpuSeconds(roots: number[]): number {
  let ticks = 0;
  for (const pid of processTree(roots)) {
    const f = statFields(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  }
  return ticks / TICKS_PER_SECOND;
}

/**
 * Memory of the process trees under `roots`, summed two ways, with each process's figures:
 * - `rss`: VmRSS summed. Pages the processes share (the node binary's code, about 50 MB, mapped by
 *   the web process and its forked worker alike) count once per process: an upper bound.
 * - `pss`: the proportional set size summed (each shared page split between the processes that map
 *   it): what the service as a whole holds in memory.
 */
export function treeMemoryMb(roots: number[]): {
  rss: number;
  pss: number;
  processes: { pid: number; name: string; rss: number; hwm: number; pss: number }[];
} {
  const processes = processTree(roots).flatMap((pid) => {
    const m = processMemoryMb(pid);
    return m ? [{ pid, name: processName(pid), ...m }] : [];
  });
  return { rss: processes.reduce((a, p) => a + p.rss, 0), pss: processes.reduce((a, p) => a + p.pss, 0), processes };
}

function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(1, 3).join(' ');
  } catch {
    return '';
  }
}

/** VmRSS, VmHWM (the peak resident size so far) and the proportional set size (Pss), in MB. */
export function processMemoryMb(pid: number): { rss: number; hwm: number; pss: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (text: string, key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return { rss: kb(status, 'VmRSS') / 1024, hwm: kb(status, 'VmHWM') / 1024, pss: kb(rollup, 'Pss') / 1024 };
  } catch {
    return null;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores) since boot. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

/** The first pid whose command name is one of `names` (the MariaDB server), or null. */
export function findPid(names: string[]): number | null {
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export type CpuSnapshot = { at: number; machine: { busy: number; total: number }; byGroup: Record<string, number>; self: number };

/**
 * CPU of the machine, of each named group of process trees (e.g. `service`: the service's processes
 * and their children; `mysqld`) and of this process, now. Groups must not share processes.
 */
export function cpuSnapshot(groups: Record<string, number[]>): CpuSnapshot {
  const u = process.cpuUsage();
  return {
    at: performance.now(),
    machine: machineCpuSeconds(),
    byGroup: Object.fromEntries(Object.entries(groups).map(([name, roots]) => [name, treeCpuSeconds(roots)])),
    self: (u.user + u.system) / 1e6,
  };
}

/** CPU seconds spent between two snapshots: machine busy, per group, this process, and the rest of the machine. */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot) {
  const wall = (b.at - a.at) / 1000;
  const byGroup = Object.fromEntries(Object.entries(b.byGroup).map(([name, s]) => [name, s - (a.byGroup[name] ?? 0)]));
  const busy = b.machine.busy - a.machine.busy;
  const self = b.self - a.self;
  const ours = Object.values(byGroup).reduce((x, y) => x + y, 0) + self;
  return { wall, busy, cores: (b.machine.total - a.machine.total) / Math.max(wall, 1e-9), byGroup, self, other: Math.max(0, busy - ours) };
}
