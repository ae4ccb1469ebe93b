/**
 * The only door into the engine. `labs/` and `tui/` import from here, never from
 * engine internals.
 */
export { startEngine } from './core/engine.js';
export type { Engine, EngineOptions, EngineRequestInput, Snapshot } from './core/engine.js';
export { Clock } from './core/clock.js';
export type { AuditEvent } from './core/audit.js';
export type { AclDecision } from './core/acl.js';
export type { EngineResponse } from './core/types.js';
export { parseDuration, formatGoDuration, humanDuration } from './core/duration.js';
export { parsePolicy, PolicyParseError } from './core/policy.js';
// The HCL server configuration of `vault-lab server -config=<file>` (read by bin/src/server.ts).
export { loadServerConfig, ConfigError } from './server/config.js';
