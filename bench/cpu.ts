import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Linux clock ticks per second (USER_HZ); 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/**
 * utime + stime of /proc/<pid>/stat (or a task's stat), ms, plus cutime + cstime (the CPU of
 * children it has reaped) with `reaped`; 0 when unreadable (not Linux).
 */
function statCpuMs(file: string, { reaped = false } = {}): number {
  try {
    const text = readFileSync(file, 'utf8');
    // NOTE: the command name (field 2) may hold spaces; fields after its closing ')' are fixed.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0);
    return (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * CPU of this process's main thread, ms. The gateway (and, in its own phase, the baseline)
 * runs on it; autocannon runs in a worker thread, which this leaves out. V8's background
 * threads (concurrent GC, compilation) are left out too, so this slightly undercounts.
 */
export function mainThreadCpuMs(): number {
  return statCpuMs(`/proc/self/task/${process.pid}/stat`);
}

/** CPU of a whole process (every thread, GC and compiler threads included), ms. */
export function processCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/**
 * CPU of the embedded PostgreSQL: its postmaster, every live child (backends, background
 * workers) and every child that has ended (a backend whose pool connection closed), ms.
 */
export function postgresCpuMs(dataDir: string): number {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return 0;
  }
  let total = statCpuMs(`/proc/${postmaster}/stat`, { reaped: true });
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === postmaster) total += statCpuMs(`/proc/${entry}/stat`);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** Samples `read` (an RSS in MB) every `everyMs` until stopped; returns the largest value seen. */
export function sampleMax(read: () => number, everyMs = 100): () => number {
  let max = read();
  const timer = setInterval(() => (max = Math.max(max, read())), everyMs);
  return () => {
    clearInterval(timer);
    return Math.max(max, read());
  };
}
