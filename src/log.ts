/**
 * Log lines in redis-server's format: `pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`
 * with level marks `.` debug, `-` verbose, `*` notice, `#` warning.
 */

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

const RANK: Record<string, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const MARK: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function formatLogLine(level: LogLevel, msg: string, role = 'M', now = new Date()): string {
  const ts =
    `${pad(now.getDate())} ${MONTHS[now.getMonth()]} ${now.getFullYear()} ` +
    `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds(), 3)}`;
  return `${process.pid}:${role} ${ts} ${MARK[level]} ${msg}`;
}

export class Logger {
  /** Minimum level written; 'nothing' silences everything. */
  level = 'notice';
  /** Where lines go; null disables logging (embedded use defaults to silent). */
  sink: ((line: string) => void) | null = (line) => process.stdout.write(line + '\n');

  log(level: LogLevel, msg: string): void {
    if (this.sink === null || RANK[level] < RANK[this.level]) return;
    this.sink(formatLogLine(level, msg));
  }
}
