/**
 * Outside systems a lab needs (`needs: [postgres]`, `needs: [kubernetes]`). A provider
 * starts one for a session, contributes environment to the learner's shell and values
 * to lab setup, and stops it when the session ends — leaving nothing behind.
 */

export type NeedKind = 'postgres' | 'kubernetes' | 'sshd' | 'oathtool' | 'syslog';

/** One started system, as the session sees it. */
export interface ProvidedSystem {
  kind: NeedKind;
  /** Which way it was provided (`embedded`, `system`, `docker`, `url`, `kind`, `kubeconfig`, `simulated`). */
  via: string;
  /** A one-line, honest description for the UI ("PostgreSQL 17 (embedded) on 127.0.0.1:54012", "simulated cluster"). */
  label: string;
  /** Added to the learner's shell and to setup/solution commands (e.g. `PGHOST`, `LAB_PG_URL`). */
  env: Record<string, string>;
  /**
   * Runs SQL as the system's administrator (the postgres provider has it): what `sql`
   * checks use. Optional so systems without a database need not implement it.
   */
  query?(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  /**
   * Settings for the lab's own engine, read where it would read its process environment
   * (the syslog receiver's socket as `VAULT_LAB_SYSLOG_SOCKET`).
   */
  engineEnv?: Record<string, string>;
  /** Folders to put on the learner's PATH (after our `vault`), e.g. a cluster client. */
  path?: string[];
  /** Saves the system's state as the current step's starting point (a step begins). */
  snapshot?(): Promise<void>;
  /** Puts back what `snapshot` saved (the learner resets the step). */
  restore?(): Promise<void>;
  /** Stops the system and removes what it left behind. */
  stop(): Promise<void>;
}

export interface ProviderContext {
  /** The lab's private workspace folder. */
  workspace: string;
  /** Progress messages for the UI ("starting PostgreSQL…"). */
  progress: (msg: string) => void;
  /** The user's choice, e.g. from `--postgres=docker` or `VAULT_LAB_POSTGRES`. */
  prefer?: string;
  env: NodeJS.ProcessEnv;
}

export interface Provider {
  kind: NeedKind;
  start(ctx: ProviderContext): Promise<ProvidedSystem>;
}

/** Raised when no way of providing a system worked; the message names each way tried and how to pick another. */
export class ProviderError extends Error {}

const registry = new Map<NeedKind, Provider>();

/** Providers register themselves here (labs/providers/postgres, labs/providers/kubernetes). */
export function registerProvider(p: Provider) {
  registry.set(p.kind, p);
}
export function providerFor(kind: NeedKind): Provider | undefined {
  return registry.get(kind);
}
