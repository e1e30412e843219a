import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

const LEVELS = ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const;

/**
 * Records every line that the app writes through Nest's `Logger`, at every
 * level, instead of printing it. Services log through `new Logger(context)`,
 * whose methods live on `Logger.prototype`, so spying there catches them all.
 */
export class LogCapture {
  readonly lines: string[] = [];
  private readonly spies: jest.SpyInstance[];

  private constructor() {
    this.spies = LEVELS.map((level) =>
      jest.spyOn(Logger.prototype, level).mockImplementation((message: unknown, ...rest: unknown[]) => {
        this.lines.push([level.toUpperCase(), message, ...rest].map(String).join(' '));
      }),
    );
  }

  static start(): LogCapture {
    return new LogCapture();
  }

  /** All recorded lines, one per line, for `toContain` checks. */
  get text(): string {
    return this.lines.join('\n');
  }

  /** Waits until a line matching `pattern` is logged and returns it. The Jest test timeout bounds the wait. */
  async waitForLine(pattern: RegExp): Promise<string> {
    for (;;) {
      const line = this.lines.find((candidate) => pattern.test(candidate));
      if (line) return line;
      await sleep(20);
    }
  }

  restore(): void {
    for (const spy of this.spies) spy.mockRestore();
  }
}
