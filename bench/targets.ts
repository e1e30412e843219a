import { ScenarioResult } from './measure';

/** A performance goal checked against one scenario's figures; reported, never asserted in tests. */
export interface Target {
  description: string;
  scenarioId: string;
  unit: string;
  measure(result: ScenarioResult): number | undefined;
  isMet(value: number): boolean;
}

export const TARGETS: Target[] = [
  {
    description: 'vault GET: at most 1 ms of API CPU per request at 50 connections',
    scenarioId: 'get-item',
    unit: 'ms CPU/req',
    measure: (result) => result.cpuMsPerRequest,
    isMet: (value) => value <= 1,
  },
  {
    description: 'vault PUT: at most 1 ms of API CPU per request at 50 connections',
    scenarioId: 'put-item',
    unit: 'ms CPU/req',
    measure: (result) => result.cpuMsPerRequest,
    isMet: (value) => value <= 1,
  },
  {
    description: 'sync-status over 100,000 items: RSS growth under 64 MB',
    scenarioId: 'sync-status-100k',
    unit: 'MB',
    measure: (result) => result.rssGrowthMb,
    isMet: (value) => value < 64,
  },
  {
    description: 'batch push of 50 items: at most 2 database round trips',
    scenarioId: 'batch-push-50',
    unit: 'commands/req',
    measure: (result) => result.databaseCommandsPerRequest,
    isMet: (value) => value <= 2,
  },
  {
    description: 'refresh: at most 1 ms of API CPU per request',
    scenarioId: 'refresh',
    unit: 'ms CPU/req',
    measure: (result) => result.cpuMsPerRequest,
    isMet: (value) => value <= 1,
  },
  {
    description: 'event-loop delay p99 under 20 ms for vault calls while 20 logins run',
    scenarioId: 'get-item-during-logins',
    unit: 'ms',
    measure: (result) => result.eventLoopDelayP99Ms,
    isMet: (value) => value < 20,
  },
];
