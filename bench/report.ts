import { ScenarioResult } from './measure';
import { Target } from './targets';

const format = (value: number | undefined, digits = 1) => (value === undefined ? 'n/a' : value.toFixed(digits));

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Formats the per-scenario figures as a Markdown table. */
export function formatResults(results: ScenarioResult[]): string {
  const header = [
    'scenario',
    'conns',
    'requests',
    'errors',
    'req/s',
    'p50 ms',
    'p99 ms',
    'CPU ms/req',
    'peak RSS MB',
    'RSS growth MB',
    'DB cmds/req',
    'loop p99 ms',
  ];
  const rows = results.map((result) => [
    result.title,
    String(result.connections),
    result.backgroundRequests > 0 ? `${result.requests} (+${result.backgroundRequests} bg)` : String(result.requests),
    String(result.errors),
    format(result.requestsPerSecond),
    format(result.latencyP50Ms, 0),
    format(result.latencyP99Ms, 0),
    format(result.cpuMsPerRequest, 2),
    format(result.peakRssMb, 0),
    format(result.rssGrowthMb, 0),
    format(result.databaseCommandsPerRequest, 2),
    format(result.eventLoopDelayP99Ms, 1),
  ]);
  return markdownTable(header, rows);
}

/** Formats each target with its measured value and PASS, MISS, or "not run" when its scenario was skipped. */
export function formatTargets(targets: Target[], results: ScenarioResult[]): string {
  const rows = targets.map((target) => {
    const result = results.find((candidate) => candidate.id === target.scenarioId);
    const value = result && target.measure(result);
    if (value === undefined) return [target.description, 'not measured', 'not run'];
    const valid = result && result.errors === 0;
    const verdict = target.isMet(value) ? 'PASS' : 'MISS';
    return [target.description, `${format(value, 2)} ${target.unit}`, valid ? verdict : `${verdict} (scenario had errors)`];
  });
  return markdownTable(['target', 'measured', 'result'], rows);
}
