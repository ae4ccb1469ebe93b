/**
 * Provisioning: the outside systems a lab needs (PostgreSQL, Kubernetes), then the
 * engine itself and the checker token the session reads state with.
 */
import { startEngine, type Engine, type EngineOptions } from '../../engine/index.js';
import type { Lab } from '../format/schema.js';
import { providerFor, ProviderError, type NeedKind, type ProvidedSystem } from '../providers/index.js';

const NEED_LABELS: Record<NeedKind, string> = {
  postgres: 'PostgreSQL',
  kubernetes: 'Kubernetes',
  sshd: 'OpenSSH sshd',
  oathtool: 'oathtool',
  syslog: 'a syslog receiver',
};

export interface ProvisionOptions {
  workspace: string;
  progress: (msg: string) => void;
  /** Preferred way per outside system, e.g. `{ postgres: 'docker' }`. */
  prefer?: Partial<Record<NeedKind, string>>;
  /** Outside systems already started (tests: a fake database); their kinds are not provided again. */
  given?: ProvidedSystem[];
}

/**
 * Starts each system the lab needs into `systems`, one at a time, so that when one fails
 * the caller still holds (and stops) those already started.
 */
export async function provisionSystems(lab: Lab, systems: ProvidedSystem[], opts: ProvisionOptions): Promise<void> {
  const given = opts.given ?? [];
  systems.push(...given);
  for (const need of lab.needs) {
    if (need === 'engine' || given.some((s) => s.kind === need)) continue;
    const provider = providerFor(need);
    if (!provider)
      throw new ProviderError(`this lab needs ${need}, and this version of vault-lab has no way to provide it`);
    opts.progress(`starting ${NEED_LABELS[need]}…`);
    systems.push(
      await provider.start({
        workspace: opts.workspace,
        progress: opts.progress,
        prefer: opts.prefer?.[need],
        env: process.env,
      }),
    );
  }
}

/**
 * The lab's engine: dev mode, listening on a free loopback port, KV v1 when the lab asks,
 * working in the learner's workspace (a relative audit `file_path` lands there), and told
 * the settings its outside systems give it (a syslog receiver's socket).
 */
export function startLabEngine(
  lab: Lab,
  overrides: Partial<EngineOptions> = {},
  workspace?: string,
  systems: ProvidedSystem[] = [],
): Promise<Engine> {
  const kv1 = lab.engine.kv_version === '1';
  const engineEnv = Object.assign({}, ...systems.map((s) => s.engineEnv ?? {}));
  const syslog = Object.keys(engineEnv).length ? { env: { ...process.env, ...engineEnv } } : undefined;
  return startEngine({ dev: true, listen: '127.0.0.1:0', devKvV1: kv1, workDir: workspace, syslog, ...overrides });
}

/** A root token of the session's own, so its reads are told apart from the learner's (observer.ts leaves them out). */
export async function createCheckerToken(engine: Engine): Promise<string> {
  const r = await engine.request({
    operation: 'write',
    path: 'auth/token/create',
    token: engine.rootToken,
    data: { display_name: 'vault-lab-checker', no_parent: true, policies: ['root'] },
  });
  const auth = r.body?.auth as Record<string, unknown> | undefined;
  if (!auth?.client_token) throw new Error(`the lab engine refused the checker token: ${JSON.stringify(r.body)}`);
  return String(auth.client_token);
}
