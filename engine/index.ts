/**
 * The only door into the engine. `labs/` and `tui/` import from here, never from
 * engine internals.
 */
export { startEngine } from './engine.js';
export type { Engine, EngineOptions, EngineRequestInput, Snapshot } from './engine.js';
export { Clock } from './sdk/clock.js';
export type { AuditEvent } from './sdk/audit.js';
export type { AclDecision } from './sdk/audit.js';
export type { EngineResponse } from './sdk/types.js';
export { parseDuration, formatGoDuration, humanDuration } from './sdk/duration.js';
export { parsePolicy, PolicyParseError } from './core/policy.js';
// The HCL server configuration of `vault-lab server -config=<file>` (read by bin/src/server.ts).
export { loadServerConfig, ConfigError } from './server/config.js';
// A loopback CA and serving certificate from the PKI engine's X.509 code (the simulated Kubernetes API's TLS).
export { issueLoopbackTls, type LoopbackTls } from './secrets/pki/tls.js';
