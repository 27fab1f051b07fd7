import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

/** CPU time in ms of one process (user + system), or 0 once it has gone. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: count fields from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The pids whose command is `name` (for instance every PostgreSQL server process: backends, WAL writer, autovacuum). */
function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return pids;
}

/**
 * CPU spent by groups of processes over a window, from /proc: a figure that does not move with the host's speed
 * the way a rate does, so two variants can be compared on a noisy machine. Processes started inside the window (a
 * new backend) count from zero; ones that end inside it count nothing (their CPU left with them, and subtracting
 * their start made a group's figure negative), so keep connections open across it.
 */
export class ProcessCpu {
  private readonly start: Map<string, Map<number, number>>;

  constructor(private readonly groups: Record<string, () => number[]>) {
    this.start = this.read();
  }

  /** This process, a child by pid, or every process with a command name. */
  static self = (): number[] => [process.pid];
  static named = (name: string) => (): number[] => pidsNamed(name);
  static pid = (pid: number | undefined) => (): number[] => (pid === undefined ? [] : [pid]);

  private read(): Map<string, Map<number, number>> {
    const totals = new Map<string, Map<number, number>>();
    for (const [group, pids] of Object.entries(this.groups))
      totals.set(group, new Map(pids().map((pid) => [pid, processCpuMs(pid)])));
    return totals;
  }

  /** ms of CPU per group since construction, over the processes alive now. */
  spent(): Record<string, number> {
    const now = this.read();
    return Object.fromEntries(
      [...now].map(([group, pids]) => {
        const before = this.start.get(group);
        let ms = 0;
        for (const [pid, spent] of pids) ms += spent - (before?.get(pid) ?? 0);
        return [group, ms];
      }),
    );
  }
}
