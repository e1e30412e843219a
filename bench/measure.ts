import autocannon from 'autocannon';
import { ApiClient } from './api-client';
import { ProcessStats } from './process-stats';
import { LoadSpec, Scenario, ScenarioLoad } from './scenarios';
import { BenchContext } from './bench-context';

const BYTES_PER_MB = 1024 * 1024;

/** Figures of one scenario; undefined where the platform gave no reading. */
export interface ScenarioResult {
  id: string;
  title: string;
  connections: number;
  /** Responses to the measured load. */
  requests: number;
  /** Responses to the background load, which share the CPU and database figures. */
  backgroundRequests: number;
  /** Non-2xx responses, connection errors and timeouts, of both loads. */
  errors: number;
  /** Responses of both loads by HTTP status, to explain the errors. */
  statusCounts: Record<string, number>;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** API process CPU (user + system) divided by all responses in the window. */
  cpuMsPerRequest?: number;
  peakRssMb?: number;
  /** Peak RSS minus RSS at the start of the scenario. */
  rssGrowthMb?: number;
  /** MongoDB commands the API sent, divided by all responses in the window. */
  databaseCommandsPerRequest: number;
  databaseCommandsByName: Record<string, number>;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

function runLoad(baseUrl: string, spec: LoadSpec): Promise<autocannon.Result> {
  return autocannon({
    url: baseUrl,
    connections: spec.connections,
    duration: spec.durationSeconds,
    maxOverallRequests: spec.maxRequests,
    timeout: spec.timeoutSeconds ?? 10,
    requests: spec.requests,
  });
}

const failures = (result: autocannon.Result) => result.non2xx + result.errors;

function countStatuses(results: (autocannon.Result | undefined)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    for (const [status, { count = 0 }] of Object.entries(result?.statusCodeStats ?? {})) {
      counts[status] = (counts[status] ?? 0) + count;
    }
  }
  return counts;
}

/**
 * Prepares a scenario, then applies its load while reading the API
 * process's CPU time and RSS and the server's own diagnostics before and
 * after. Set-up work is outside the measured window.
 */
export async function measureScenario(scenario: Scenario, context: BenchContext, stats: ProcessStats): Promise<ScenarioResult> {
  const { load, backgroundLoad }: ScenarioLoad = await scenario.prepare(context);
  const api: ApiClient = context.api;

  await api.takeDiagnosticsSnapshot();
  const rssAtStart = stats.rssBytes();
  const cpuAtStart = stats.cpuMs();
  stats.startPeakTracking();

  const [measured, background] = await Promise.all([
    runLoad(api.baseUrl, load),
    backgroundLoad ? runLoad(api.baseUrl, backgroundLoad) : Promise.resolve(undefined),
  ]);

  const cpuAtEnd = stats.cpuMs();
  const peakRss = stats.stopPeakTracking();
  const diagnostics = await api.takeDiagnosticsSnapshot();

  const backgroundRequests = background?.requests.total ?? 0;
  const allRequests = measured.requests.total + backgroundRequests;
  const perRequest = (total: number) => (allRequests === 0 ? 0 : total / allRequests);
  const cpuMs = cpuAtStart !== undefined && cpuAtEnd !== undefined ? cpuAtEnd - cpuAtStart : undefined;

  return {
    id: scenario.id,
    title: scenario.title,
    connections: load.connections,
    requests: measured.requests.total,
    backgroundRequests,
    errors: failures(measured) + (background ? failures(background) : 0),
    statusCounts: countStatuses([measured, background]),
    requestsPerSecond: measured.duration > 0 ? measured.requests.total / measured.duration : 0,
    latencyP50Ms: measured.latency.p50,
    latencyP99Ms: measured.latency.p99,
    cpuMsPerRequest: cpuMs === undefined ? undefined : perRequest(cpuMs),
    peakRssMb: peakRss === undefined ? undefined : peakRss / BYTES_PER_MB,
    rssGrowthMb: peakRss === undefined || rssAtStart === undefined ? undefined : (peakRss - rssAtStart) / BYTES_PER_MB,
    databaseCommandsPerRequest: perRequest(diagnostics.databaseCommands.total),
    databaseCommandsByName: diagnostics.databaseCommands.byName,
    eventLoopDelayP99Ms: diagnostics.eventLoopDelayMs.p99,
    eventLoopDelayMaxMs: diagnostics.eventLoopDelayMs.max,
  };
}
