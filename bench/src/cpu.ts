// CPU time of processes from /proc (utime + stime), to say what each process costs per task.
import { readdir, readFile } from 'node:fs/promises';

/** Kernel clock ticks per second of /proc/PID/stat (USER_HZ: 100 on Linux). */
const TICKS_PER_S = 100;

/** CPU time (ms) a process has used so far, or NaN once it is gone. */
export async function cpuMs(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, in parentheses): utime is 14th, stime 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
  } catch {
    return NaN;
  }
}

/** Pids of the processes whose command name (/proc/PID/comm) is `name`, e.g. mariadbd, beam.smp. */
export async function pidsNamed(name: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readFile(`/proc/${entry}/comm`, 'utf8')).trim() === name) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export type CpuGroups = Record<string, number[]>;

async function sample(groups: CpuGroups): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const [name, pids] of Object.entries(groups)) {
    let sum = 0;
    for (const pid of pids) sum += await cpuMs(pid);
    totals[name] = sum;
  }
  return totals;
}

/**
 * CPU ms per task of each group of processes over `work`, net of idle: their CPU over an idle
 * stretch of `idleMs` just before gives the rate they burn doing nothing, subtracted for the
 * length of the work.
 */
export async function measureCpuPerTask<T>(
  groups: CpuGroups,
  tasks: number,
  work: () => Promise<T>,
  idleMs = 3000,
): Promise<{ result: T; cpuMsPerTask: Record<string, number> }> {
  const idleStart = await sample(groups);
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const idleEnd = await sample(groups);
  const started = performance.now();
  const result = await work();
  const elapsed = performance.now() - started;
  const end = await sample(groups);
  const cpuMsPerTask: Record<string, number> = {};
  for (const name of Object.keys(groups)) {
    const idleRate = (idleEnd[name]! - idleStart[name]!) / idleMs;
    const net = end[name]! - idleEnd[name]! - idleRate * elapsed;
    cpuMsPerTask[name] = Math.max(0, net) / tasks;
  }
  return { result, cpuMsPerTask };
}
