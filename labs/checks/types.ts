/** The contract between the lab session and check evaluators. */
import type { AuditEvent, EngineResponse } from '../../engine/index.js';
import type { CheckNode } from '../schema.js';

export interface CheckContext {
  /** Response events since the step began (edge checks read these). */
  events: AuditEvent[];
  /** An API call as root (level checks read the engine's state through this). */
  api(operation: 'read' | 'list', path: string): Promise<EngineResponse>;
  /** Evaluates a nested check (combinators). */
  evaluate(node: CheckNode): Promise<CheckResult>;
  lang: string;
}

export interface CheckResult {
  pass: boolean;
  /** What the learner sees: why it fails (or what passed). Never just "failed". */
  message: string;
  /** Edge (happened since the step began) or level (true now). */
  kind: 'edge' | 'level';
}

export type Evaluator<T = unknown> = (spec: T, ctx: CheckContext, node: CheckNode) => Promise<CheckResult>;
