/** The contract between the lab session and check evaluators. */
import type { AuditEvent, EngineResponse } from '../../engine/index.js';
import type { CheckNode } from '../format/schema.js';

/** One command line the learner (or the headless runner) ran, already redacted. */
export interface CommandRecord {
  /** Position on the session's time line, shared with audit events. */
  seq: number;
  line: string;
  exit: number;
  time: string;
  source: 'shell' | 'script';
}

/** What a `sql` check needs from an outside system (the postgres provider implements it). */
export interface SqlQueryable {
  query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/** Per-step memory of one check node (reset when a step begins or is reset). */
export interface CheckMemo {
  /** Session sequence number when the node first passed in this step. */
  firstPass?: number;
  /** The thing a negative check is about was seen present at some point in this step. */
  seenPresent?: boolean;
  /**
   * What the check saw at its first evaluation in the step (the step's start): the
   * baseline of relative checks (`increased`, `added`, `created` …).
   */
  start?: unknown;
  round?: number;
  result?: CheckResult;
}

export interface CheckContext {
  /** Learner response events since the step began (edge checks read these). */
  events: AuditEvent[];
  /** Position of an event on the session time line. */
  seqOf(e: AuditEvent): number;
  /** Learner command lines since the step began (redacted). */
  commands: CommandRecord[];
  /** An API call as the checker (level checks read the engine's state through this). */
  api(operation: 'read' | 'list', path: string): Promise<EngineResponse>;
  /** Capabilities a token carrying exactly these policies has on a path (as `sys/capabilities` reports). */
  capabilities(policies: string[], path: string): Promise<string[]>;
  /** The query helper of an outside system, when the lab has one. */
  sql(system: string): SqlQueryable | undefined;
  /** The learner's workspace folder. */
  workspace: string;
  /** Runs a shell script in the workspace as the checker; never recorded as a learner command. */
  script(run: string, timeoutMs: number): Promise<{ code: number; output: string }>;
  /** Evaluates a nested check (combinators). */
  evaluate(node: CheckNode): Promise<CheckResult>;
  /** Evaluates the check with this `id` in the current step (for `after:`). */
  byId(id: string): Promise<{ result: CheckResult; memo: CheckMemo } | undefined>;
  memo(node: CheckNode): CheckMemo;
  /** Set by the check trace (trace.ts): told when each check is entered and judged. */
  trace?: { enter(node: CheckNode): void; exit(node: CheckNode, r: CheckResult): void };
  /** The session's current sequence number. */
  seq: number;
  /** Evaluation round (results are memoised within one round). */
  round: number;
  lang: string;
}

export interface CheckResult {
  pass: boolean;
  /** What the learner sees: why it fails (or what passed). Never just "failed". */
  message: string;
  /** Edge (happened since the step began) or level (true now). */
  kind: 'edge' | 'level';
  /** Sequence numbers of the earliest and latest event/command that satisfied an edge check. */
  first?: number;
  last?: number;
  /**
   * `absent`: the check passes because something is missing (a 404, no file, no rows) —
   * it only counts once the thing was seen present in this step. `present`: the thing exists.
   */
  observed?: 'present' | 'absent';
}

export type Evaluator<T = unknown> = (spec: T, ctx: CheckContext, node: CheckNode) => Promise<CheckResult>;
