/**
 * The logfile directive: log lines are appended to a file that is opened
 * for each line, as Redis does, so moving the file away (log rotation) just
 * makes the next line create a new one.
 */
import fs from 'node:fs';

/** A log sink appending each line to `file`; lines that cannot be written are dropped, as in Redis. */
export function appendLogSink(file: string): (line: string) => void {
  return (line) => {
    try {
      fs.appendFileSync(file, line + '\n');
    } catch {
      /* nowhere left to report it */
    }
  };
}
