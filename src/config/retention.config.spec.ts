import { describe, expect, it } from '@jest/globals';
import { ConfigError } from './env.js';
import { loadRetentionConfig } from './retention.config.js';

describe('retention settings', () => {
  it('keeps sessions 30 days, finished mail 14 and security events 90 by default, running hourly in batches of 1000', () => {
    expect(loadRetentionConfig({})).toEqual({ enabled: true, intervalSeconds: 3600, batchSize: 1000, sessionDays: 30, mailDays: 14, auditDays: 90 });
  });

  it('refuses a retention of no days, naming the variable', () => {
    expect(() => loadRetentionConfig({ AUDIT_RETENTION_DAYS: '0' })).toThrow(new ConfigError('AUDIT_RETENTION_DAYS', 'must be between 1 and 36500, got 0'));
  });

  it('refuses a run every few seconds', () => {
    expect(() => loadRetentionConfig({ HOUSEKEEPING_INTERVAL_SECONDS: '5' })).toThrow(/HOUSEKEEPING_INTERVAL_SECONDS must be between 60/);
  });
});
