import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** One measured figure: its absolute value, and its ratio to a baseline measured in the same run. */
export interface Figure {
  /** B1 ... B8. */
  id: string;
  /** What was measured, e.g. "save(), 1 client, 1 entity per transaction". */
  what: string;
  database: string;
  value: number;
  unit: string;
  /** The same measurement without what is being priced (absent for figures without one). */
  baseline?: { what: string; value: number };
  /** The target, as text, and whether it was met. */
  target?: { text: string; met: boolean };
}

export function ratio(figure: Figure): number | undefined {
  return figure.baseline ? figure.value / figure.baseline.value : undefined;
}

export function formatNumber(value: number): string {
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A Markdown table of the figures, in the order measured. */
export function figureTable(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => {
    const r = ratio(figure);
    return [
      figure.id,
      figure.database,
      figure.what,
      `${formatNumber(figure.value)} ${figure.unit}`,
      figure.baseline ? `${formatNumber(figure.baseline.value)} ${figure.unit} (${figure.baseline.what})` : '—',
      r === undefined ? '—' : `${r.toFixed(2)}×`,
      figure.target ? `${figure.target.text} ${figure.target.met ? 'met' : '**missed**'}` : '—',
    ];
  });
  return [
    '| | database | measured | value | baseline | ratio | target |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function version(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')[0]!;
  } catch {
    return 'unknown';
  }
}

/** The machine the figures come from. */
export function machineDescription(): string {
  const cpu = cpus();
  return [
    `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `Node ${process.version}`,
    `PostgreSQL: ${version('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-Atc', 'SHOW server_version'])}`,
    `MariaDB: ${version('mariadb', ['-h', '127.0.0.1', '-u', 'root', '-N', '-e', 'SELECT VERSION()'])}`,
  ].join('; ');
}
