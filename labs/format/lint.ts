/**
 * The semantic lint of `vault-lab validate`: what a schema cannot see.
 *  - every step has a hint (a check and a solution are required by the schema);
 *  - no hint gives a solution command away verbatim;
 *  - policies, roles and mounts a step's commands use exist by then (set up earlier);
 *  - `vault …` command lines in a step's text are commands our CLI knows;
 *  - a step is not judged only by negative checks;
 *  - every step has an alternative and an anti-solution, or says why not (fairness.ts).
 * Each problem has a position and a one-line hint, like load errors.
 */
import type { LabProblem, LoadedLab, Position } from './load.js';
import { cliKnows, commandWords } from './cli-commands.js';
import { lintFairness } from './fairness.js';
import { t, type CheckNode, type Lab } from './schema.js';

const BUILTIN_POLICIES = new Set(['default', 'root', 'response-wrapping']);
const DEV_MOUNTS = ['secret/', 'sys/', 'cubbyhole/', 'identity/', 'auth/token/'];

interface World {
  policies: Set<string>;
  mounts: Set<string>;
  roles: Set<string>;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Splits a shell command into words (quotes removed; `$(…)` kept as one word's text). */
export function shellWords(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q: string | null = null;
  let has = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i];
    if (q) {
      if (c === q) q = null;
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      q = c;
      has = true;
      continue;
    }
    if (c === '$' && cmd[i + 1] === '(') {
      out.push(...(has || cur ? [cur] : []));
      cur = '';
      has = false;
      i++;
      continue;
    }
    if (/[\s;|&()]/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
      if (c === ';' || c === '|' || c === '&' || c === '(' || c === ')') out.push(c);
      continue;
    }
    cur += c;
  }
  if (has || cur) out.push(cur);
  return out;
}

/** Each `vault …` invocation inside a shell command (after `;`, `&&`, `|`, `$(`, env assignments). */
export function vaultInvocations(cmd: string): string[][] {
  const words = shellWords(cmd.replace(/<<-?\s*'?(\w+)'?[\s\S]*?\n\1(\n|$)/g, ' '));
  const out: string[][] = [];
  let cur: string[] | null = null;
  for (const w of words) {
    if ([';', '|', '&', '(', ')'].includes(w)) {
      if (cur) out.push(cur);
      cur = null;
      continue;
    }
    if (cur) {
      cur.push(w);
      continue;
    }
    if (w === 'vault') cur = [];
  }
  if (cur) out.push(cur);
  return out;
}

function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = new RegExp(`^--?${name}=(.*)$`).exec(a);
    if (m) return m[1];
    if (a === `-${name}` || a === `--${name}`) return args[i + 1];
  }
  return undefined;
}
const VALUE_FLAGS = new Set([
  'path',
  'policy',
  'ttl',
  'mount',
  'method',
  'field',
  'format',
  'role',
  'address',
  'namespace',
  'version',
  'description',
  'period',
  'explicit-max-ttl',
  'type',
  'display-name',
  'use-limit',
  'wrap-ttl',
]);

/** Positional arguments: not flags, and not the value of a flag written as `-flag value`. */
function positional(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('-') && a !== '-') {
      if (!a.includes('=') && VALUE_FLAGS.has(a.replace(/^-+/, ''))) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** Every value of a repeatable flag (`-policy=a -policy b`). */
function flagsAll(args: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = new RegExp(`^--?${name}=(.*)$`).exec(args[i]);
    if (m) out.push(m[1]);
    else if (args[i] === `-${name}` || args[i] === `--${name}`) {
      if (args[i + 1] !== undefined) out.push(args[i + 1]);
    }
  }
  return out;
}

function mountOf(p: string): string | null {
  const s = p.replace(/^\/+/, '');
  if (s.startsWith('auth/')) {
    const seg = s.split('/')[1];
    return seg ? `auth/${seg}/` : null;
  }
  const seg = s.split('/')[0];
  return seg ? `${seg}/` : null;
}

interface Use {
  what: 'policy' | 'mount' | 'role';
  name: string;
}

/** What one command defines and uses, updating the world as it goes. */
function effects(cmd: string, world: World): Use[] {
  const uses: Use[] = [];
  const need = (what: Use['what'], name: string) => {
    const set = what === 'policy' ? world.policies : what === 'mount' ? world.mounts : world.roles;
    if (!set.has(name) && !(what === 'policy' && BUILTIN_POLICIES.has(name))) uses.push({ what, name });
  };
  const needMount = (m: string | null) => {
    if (m && !m.startsWith('sys/') && !world.mounts.has(m)) need('mount', m);
  };
  for (const inv of vaultInvocations(cmd)) {
    const [a, b] = inv;
    const rest2 = inv.slice(2);
    const pos2 = positional(rest2);
    if (a === 'policy' && b === 'write' && pos2[0]) {
      world.policies.add(pos2[0]);
      continue;
    }
    if (a === 'policy' && b === 'delete' && pos2[0]) {
      world.policies.delete(pos2[0]);
      continue;
    }
    if ((a === 'secrets' || a === 'auth') && b === 'enable') {
      const type = pos2[0];
      const p = (flag(rest2, 'path') ?? type ?? '').replace(/^\/+|\/+$/g, '');
      if (p) world.mounts.add(a === 'auth' ? `auth/${p}/` : `${p}/`);
      continue;
    }
    if ((a === 'secrets' || a === 'auth') && b === 'disable' && pos2[0]) {
      world.mounts.delete(
        a === 'auth' ? `auth/${pos2[0].replace(/^\/+|\/+$/g, '')}/` : `${pos2[0].replace(/^\/+|\/+$/g, '')}/`,
      );
      continue;
    }
    // Policies a command hands out.
    const pol = [
      ...flagsAll(inv, 'policy'),
      ...inv.filter((w) => /^(token_)?policies=/.test(w)).map((w) => w.split('=')[1]),
    ].filter((x): x is string => !!x && !x.startsWith('$'));
    for (const list of pol)
      for (const p of list
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean))
        need('policy', p);
    if (a === 'token' && b === 'create') {
      const r = flag(inv, 'role');
      if (r) need('role', `auth/token/roles/${r}`);
      continue;
    }
    if (a === 'login') {
      const method = flag(inv, 'method');
      if (method && method !== 'token') needMount(`auth/${(flag(inv, 'path') ?? method).replace(/^\/+|\/+$/g, '')}/`);
      continue;
    }
    if (a === 'kv' && b) {
      const target = b === 'metadata' ? pos2[1] : pos2[0];
      const m = flag(rest2, 'mount');
      needMount(m ? `${m.replace(/^\/+|\/+$/g, '')}/` : target ? mountOf(target) : null);
      continue;
    }
    if (['read', 'write', 'list', 'delete', 'patch'].includes(a ?? '')) {
      const target = positional(inv.slice(1))[0];
      if (!target || target.startsWith('$')) continue;
      const p = target.replace(/^\/+/, '');
      if (p.startsWith('sys/policy/') || p.startsWith('sys/policies/acl/')) {
        if (a === 'write') world.policies.add(p.split('/').pop()!);
        continue;
      }
      if (p.startsWith('sys/mounts/') && a === 'write') {
        world.mounts.add(`${p.slice('sys/mounts/'.length).replace(/\/+$/, '')}/`);
        continue;
      }
      if (p.startsWith('sys/auth/') && a === 'write') {
        world.mounts.add(`auth/${p.slice('sys/auth/'.length).replace(/\/+$/, '')}/`);
        continue;
      }
      if (mountOf(p) === 'sys/') continue;
      needMount(mountOf(p));
      const role = /^(.+)\/(roles?)\/([^/]+)$/.exec(p);
      if (role && a === 'write') world.roles.add(p);
      const creds = /^(.+)\/creds\/([^/]+)$/.exec(p);
      if (creds) need('role', `${creds[1]}/roles/${creds[2]}`);
      const approle = /^(.+)\/role\/([^/]+)\/(role-id|secret-id)$/.exec(p);
      if (approle) need('role', `${approle[1]}/role/${approle[2]}`);
    }
  }
  return uses;
}

function apiEffects(item: { method: string; path: string }, world: World) {
  const p = item.path.replace(/^\/+/, '');
  if (item.method === 'DELETE') return;
  if (p.startsWith('sys/policy/') || p.startsWith('sys/policies/acl/')) world.policies.add(p.split('/').pop()!);
  else if (p.startsWith('sys/mounts/')) world.mounts.add(`${p.slice('sys/mounts/'.length).replace(/\/+$/, '')}/`);
  else if (p.startsWith('sys/auth/')) world.mounts.add(`auth/${p.slice('sys/auth/'.length).replace(/\/+$/, '')}/`);
  else if (/\/(roles?)\/[^/]+$/.test(p)) world.roles.add(p);
}

/** `vault …` lines in a step's markdown: code blocks and inline code. */
export function bodyCommands(body: string): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(/```[^\n]*\n([\s\S]*?)```/g))
    for (const l of m[1].split('\n')) if (/^\s*(\$\s*)?vault\s/.test(l)) out.push(l.trim().replace(/^\$\s*/, ''));
  for (const m of body.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g))
    if (/^vault\s/.test(m[1].trim())) out.push(m[1].trim());
  return out;
}

/** A check that only says something did not happen (`not` over a request or command): true on an idle learner. */
function onlyNegative(c: CheckNode): boolean {
  if (c.not)
    return !!(c.not.request || c.not.command || (c.not.all ?? c.not.any ?? []).every((k) => k.request || k.command));
  if (c.all) return c.all.every(onlyNegative);
  if (c.any) return c.any.some(onlyNegative);
  return false;
}

/**
 * Lints a loaded lab. `cliScript` is the built `vault` CLI to ask about commands
 * (tests may point elsewhere); the command lint is skipped when it is missing.
 */
export function lintLab(loaded: LoadedLab, opts: { cliScript?: string; checkCommands?: boolean } = {}): LabProblem[] {
  const { lab } = loaded;
  const file = loaded.display ?? loaded.file;
  const problems: LabProblem[] = [];
  const at = (p: PropertyKey[], needle?: string): Position => {
    const base = loaded.pos?.(p) ?? { line: 1, column: 1 };
    if (!needle || !loaded.text) return base;
    // Find the exact words in the source text, from the node's line on.
    const lines = loaded.text.split('\n');
    for (let l = base.line - 1; l < lines.length; l++) {
      const c = lines[l].indexOf(needle);
      if (c !== -1) return { line: l + 1, column: c + 1 };
    }
    return base;
  };
  const add = (p: PropertyKey[], message: string, hint: string, needle?: string) => {
    const pos = at(p, needle);
    problems.push({
      file,
      line: pos.line,
      column: pos.column,
      message: `${p
        .map((s) => (typeof s === 'number' ? `[${s}]` : `.${String(s)}`))
        .join('')
        .replace(/^\./, '')}: ${message}`,
      hint,
    });
  };
  const world: World = {
    policies: new Set(),
    mounts: new Set(lab.engine.mode === 'dev' ? DEV_MOUNTS : []),
    roles: new Set(),
  };
  const report = (uses: Use[], p: PropertyKey[]) => {
    for (const u of uses) {
      const what = u.what === 'mount' ? `mount ${u.name}` : u.what === 'role' ? `role ${u.name}` : `policy "${u.name}"`;
      const how =
        u.what === 'policy'
          ? `write it first (vault policy write ${u.name} …) in setup or an earlier step`
          : u.what === 'mount'
            ? `enable it first (vault ${u.name.startsWith('auth/') ? 'auth' : 'secrets'} enable …) in setup or an earlier step`
            : 'create the role first in setup or an earlier step';
      add(
        p,
        `uses ${what}, which does not exist at this point`,
        how,
        u.what === 'role' ? undefined : u.name.replace(/\/$/, '').replace(/^auth\//, ''),
      );
    }
  };
  lab.setup.forEach((item, i) => {
    if (typeof item === 'string' || 'run' in item) {
      const cmd = typeof item === 'string' ? item : item.run;
      report(effects(cmd, world), ['setup', i]);
    } else if ('api' in item) apiEffects(item.api, world);
  });
  const check = opts.checkCommands !== false;
  lab.steps.forEach((step, i) => {
    if (!step.hints.length)
      add(['steps', i, 'id'], 'the step has no hint', 'add a hints: ladder — a nudge first, the command last');
    const sols = step.solution.map(norm).filter((s) => s.length >= 12);
    // A ladder may end with the command, but must not start there.
    const first = step.hints[0];
    const given = first === undefined ? undefined : sols.find((s) => norm(t(first).replace(/`/g, '')).includes(s));
    if (given)
      add(
        ['steps', i, 'hints', 0],
        `the first hint gives the solution away verbatim (\`${given.slice(0, 60)}\`)`,
        'start the ladder with a nudge (which command, which flag); the command itself may come last',
      );
    step.solution.forEach((cmd, j) => report(effects(cmd, world), ['steps', i, 'solution', j]));
    if (step.check.every(onlyNegative))
      add(
        ['steps', i, 'check'],
        'every check of this step says only that something did not happen, which an idle learner also achieves',
        'add a positive check (a request seen, a state present) beside the negative ones',
      );
    if (check) {
      for (const line of bodyCommands(t(step.body))) {
        const words = commandWords(line);
        if (words.length && !cliKnows(words, opts.cliScript))
          add(
            ['steps', i, 'body'],
            `\`vault ${words.join(' ')}\` is not a command of our vault CLI`,
            'check the spelling; `vault -h` lists the commands',
            `vault ${words.join(' ')}`,
          );
      }
    }
  });
  // A reading lab has no system to drive: its quiz is how the learner shows what they read.
  if (lab.kind === 'reading' && lab.quiz.length < 3)
    add(
      ['kind'],
      `a reading lab is checked by its quiz, and this one has ${lab.quiz.length} question(s)`,
      'give it at least three quiz questions (from_state ones where you can), or make it kind: hands-on',
    );
  lintFairness(loaded, add);
  return problems;
}

export type { Lab };
