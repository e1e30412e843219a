import autocannon from 'autocannon';
import type { DiagnosticsSnapshot } from '../src/diagnostics/diagnostics.service';
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
  /** API process CPU (user + system) divided by all requests sent in the window. */
  cpuMsPerRequest?: number;
  peakRssMb?: number;
  /** Peak RSS minus RSS at the start of the scenario. */
  rssGrowthMb?: number;
  /** MongoDB commands the API sent, divided by all requests sent in the window. */
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

const SETTLE_POLL_MS = 100;

/**
 * Waits until the server has finished the requests autocannon abandoned at
 * its deadline, adding the database commands they send to `commands`.
 * Their CPU time and commands belong to the scenario, so the figures are
 * divided by requests sent, not responses received.
 */
async function waitForAbandonedRequests(
  api: ApiClient,
  inFlight: number,
  commands: DiagnosticsSnapshot['databaseCommands'],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (inFlight > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    const next = await api.takeDiagnosticsSnapshot();
    commands.total += next.databaseCommands.total;
    for (const [name, count] of Object.entries(next.databaseCommands.byName)) {
      commands.byName[name] = (commands.byName[name] ?? 0) + count;
    }
    inFlight = next.httpRequestsInFlight;
  }
}

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

  // The event-loop figures cover the load alone; the settling that follows is idle time.
  const diagnostics = await api.takeDiagnosticsSnapshot();
  const timeoutMs = Math.max(load.timeoutSeconds ?? 10, backgroundLoad?.timeoutSeconds ?? 10) * 1000;
  await waitForAbandonedRequests(api, diagnostics.httpRequestsInFlight, diagnostics.databaseCommands, timeoutMs);
  const cpuAtEnd = stats.cpuMs();
  const peakRss = stats.stopPeakTracking();

  const backgroundRequests = background?.requests.total ?? 0;
  const allRequests = measured.requests.sent + (background?.requests.sent ?? 0);
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
