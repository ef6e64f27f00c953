// What the machine and each process did, read from /proc (Linux): CPU seconds and resident memory.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux x86-64

/** User + system CPU seconds of a process, all its threads included; null once it is gone. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** VmRSS and VmHWM (the peak resident size so far) in MB. */
export function processMemoryMb(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
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

export type CpuSnapshot = { at: number; machine: { busy: number; total: number }; byPid: Map<number, number>; self: number };

/** CPU of the machine, of the given processes and of this one, now. */
export function cpuSnapshot(pids: number[]): CpuSnapshot {
  const u = process.cpuUsage();
  return {
    at: performance.now(),
    machine: machineCpuSeconds(),
    byPid: new Map(pids.map((p) => [p, processCpuSeconds(p) ?? 0])),
    self: (u.user + u.system) / 1e6,
  };
}

/** CPU seconds spent between two snapshots: machine busy, per pid, this process, and the rest of the machine. */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot) {
  const wall = (b.at - a.at) / 1000;
  const byPid = new Map([...b.byPid].map(([pid, s]) => [pid, s - (a.byPid.get(pid) ?? 0)]));
  const busy = b.machine.busy - a.machine.busy;
  const self = b.self - a.self;
  const ours = [...byPid.values()].reduce((x, y) => x + y, 0) + self;
  return { wall, busy, cores: (b.machine.total - a.machine.total) / Math.max(wall, 1e-9), byPid, self, other: Math.max(0, busy - ours) };
}
