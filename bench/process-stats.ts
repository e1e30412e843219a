import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Reads another process's CPU time and memory from Linux's /proc. On other
 * systems every reading is undefined and the report prints "n/a".
 */
export class ProcessStats {
  private readonly clockTicksPerSecond = readClockTicksPerSecond();
  private samplingTimer?: NodeJS.Timeout;
  private sampledPeakBytes = 0;
  private peakResetWorked = false;

  constructor(readonly pid: number) {}

  /** Returns the user plus system CPU time of the process since it started, in milliseconds (clock-tick resolution). */
  cpuMs(): number | undefined {
    const stat = readProcFile(`/proc/${this.pid}/stat`);
    if (stat === undefined) return undefined;
    // Fields after the command name, which is in parentheses and may contain spaces:
    // state is field 3, utime field 14 and stime field 15 of proc(5).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / this.clockTicksPerSecond;
  }

  rssBytes(): number | undefined {
    return this.statusFieldBytes('VmRSS');
  }

  /**
   * Starts tracking the peak RSS: resets the kernel's high-water mark
   * (VmHWM, by writing 5 to clear_refs, Linux 4.0+) and also samples VmRSS
   * every 50 ms in case the reset is not permitted.
   */
  startPeakTracking(): void {
    this.peakResetWorked = writeProcFile(`/proc/${this.pid}/clear_refs`, '5');
    this.sampledPeakBytes = this.rssBytes() ?? 0;
    this.samplingTimer = setInterval(() => {
      this.sampledPeakBytes = Math.max(this.sampledPeakBytes, this.rssBytes() ?? 0);
    }, 50);
  }

  /** Stops tracking and returns the peak RSS since {@link startPeakTracking}, in bytes. */
  stopPeakTracking(): number | undefined {
    clearInterval(this.samplingTimer);
    const highWaterMark = this.peakResetWorked ? this.statusFieldBytes('VmHWM') : undefined;
    const peak = Math.max(this.sampledPeakBytes, highWaterMark ?? 0);
    return peak > 0 ? peak : undefined;
  }

  private statusFieldBytes(field: string): number | undefined {
    const status = readProcFile(`/proc/${this.pid}/status`);
    const match = status?.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) * 1024 : undefined;
  }
}

function readClockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    // 100 is the value on every common Linux build; getconf is missing only on minimal images.
    return 100;
  }
}

function readProcFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function writeProcFile(path: string, content: string): boolean {
  try {
    writeFileSync(path, content);
    return true;
  } catch {
    return false;
  }
}
