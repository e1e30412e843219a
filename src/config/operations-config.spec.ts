import { loadConfiguration } from './configuration';
import { PRODUCTION_ENVIRONMENT } from './production-environment.fixture';

const PRODUCTION = PRODUCTION_ENVIRONMENT;

describe('operations settings', () => {
  it('autoIndex is off in production', () => {
    expect(loadConfiguration(PRODUCTION).database.autoIndex).toBe(false);
  });

  it('autoIndex is on elsewhere', () => {
    expect(loadConfiguration({ NODE_ENV: 'development' }).database.autoIndex).toBe(true);
    expect(loadConfiguration({ NODE_ENV: 'test' }).database.autoIndex).toBe(true);
  });

  it('MONGODB_AUTO_INDEX overrides the default', () => {
    expect(loadConfiguration({ ...PRODUCTION, MONGODB_AUTO_INDEX: 'true' }).database.autoIndex).toBe(true);
    expect(loadConfiguration({ NODE_ENV: 'development', MONGODB_AUTO_INDEX: 'false' }).database.autoIndex).toBe(false);
  });

  it('metrics are off without METRICS_PORT', () => {
    expect(loadConfiguration({}).metrics.port).toBeUndefined();
    expect(loadConfiguration({ METRICS_PORT: '9464' }).metrics.port).toBe(9464);
  });

  it('rejects METRICS_PORT equal to PORT', () => {
    expect(() => loadConfiguration({ PORT: '3001', METRICS_PORT: '3001' })).toThrow('METRICS_PORT must differ from PORT');
  });

  it('rejects invalid METRICS_PORT', () => {
    expect(() => loadConfiguration({ METRICS_PORT: 'abc' })).toThrow('METRICS_PORT');
    expect(() => loadConfiguration({ METRICS_PORT: '70000' })).toThrow('METRICS_PORT');
  });

  it('shutdown timeout defaults to 10 s', () => {
    expect(loadConfiguration({}).http.shutdownTimeoutMs).toBe(10_000);
    expect(loadConfiguration({ SHUTDOWN_TIMEOUT_MS: '2500' }).http.shutdownTimeoutMs).toBe(2500);
    expect(() => loadConfiguration({ SHUTDOWN_TIMEOUT_MS: '-1' })).toThrow('SHUTDOWN_TIMEOUT_MS');
  });
});
