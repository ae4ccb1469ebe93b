/**
 * What the learner did, on one time line: the engine's response audit events (the
 * session's own checker reads left out) and the command lines run in the lab shell,
 * redacted before they are kept. The whole session's recent history feeds the activity
 * feed; what happened since the current step began feeds the checks.
 */
import type { AuditEvent } from '../../engine/index.js';
import type { CommandRecord } from '../checks/index.js';
import { redactCommand } from './shell-integration.js';

/** Requests the session itself makes (state checks) carry this display name and are not the learner's. */
export const CHECKER_DISPLAY_NAME = 'token-vault-lab-checker';

/** How many events and commands the session keeps for the feed. */
const KEEP = 500;

export interface ObserverHooks {
  /** A learner event was observed in a step (not while quiet). */
  event(e: AuditEvent): void;
  /** A learner command was recorded. */
  command(rec: CommandRecord): void;
}

export class Observer {
  /** Every learner-visible response event of the session, for the activity feed (last 500). */
  readonly activity: AuditEvent[] = [];
  /** Every command line the learner ran in the lab shell (redacted), oldest first (last 500). */
  readonly commands: CommandRecord[] = [];
  /** Events and commands since the current step began. */
  stepEvents: AuditEvent[] = [];
  stepCommands: CommandRecord[] = [];
  /** The session's time line position, shared by events and commands. */
  seq = 0;
  /** While quiet (resuming), events reach the feed but not the step, and commands are not recorded. */
  quiet = false;
  stopped = false;
  private readonly seqs = new WeakMap<AuditEvent, number>();

  constructor(private readonly hooks: ObserverHooks) {}

  /** Position of an event on the time line (0 when it was never observed). */
  seqOf(e: AuditEvent): number {
    return this.seqs.get(e) ?? 0;
  }

  /** Forgets what happened in the step (a step begins or is reset); the feed keeps it. */
  clearStep() {
    this.stepEvents = [];
    this.stepCommands = [];
  }

  /** An engine audit event: only learner responses count. */
  audit(e: AuditEvent) {
    if (this.stopped || e.type !== 'response' || e.auth?.display_name === CHECKER_DISPLAY_NAME) return;
    this.seqs.set(e, ++this.seq);
    this.activity.push(e);
    if (this.activity.length > KEEP) this.activity.shift();
    if (this.quiet) return;
    this.stepEvents.push(e);
    this.hooks.event(e);
  }

  /** A command line the learner ran, with its exit code; kept redacted. */
  command(line: string, exit: number, source: CommandRecord['source']): CommandRecord | undefined {
    if (this.stopped || this.quiet) return undefined;
    const rec: CommandRecord = {
      seq: ++this.seq,
      line: redactCommand(line.trim()),
      exit,
      time: new Date().toISOString(),
      source,
    };
    this.commands.push(rec);
    if (this.commands.length > KEEP) this.commands.shift();
    this.stepCommands.push(rec);
    this.hooks.command(rec);
    return rec;
  }
}
