/**
 * Generated usernames and passwords.
 *
 * Usernames come from a template in Go's text/template syntax, as in Vault
 * (`username_template`). We evaluate the subset Vault's templates use: `{{ … }}`
 * actions holding pipelines of functions (`printf`, `truncate`, `uppercase`,
 * `lowercase`, `replace`, `random`, `unix_time`, `unix_time_millis`, `timestamp`,
 * `uuid`, `sha256`, `base64`, `truncate_sha256`) over string and number literals and
 * the fields `.DisplayName` and `.RoleName`.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';

/** The PostgreSQL plugin's default: v-<display 8>-<role 8>-<20 random>-<unix seconds>, at most 63. */
export const DEFAULT_PG_USERNAME_TEMPLATE =
  '{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomFrom = (chars: string, n: number) =>
  Array.from({ length: n }, () => chars[randomInt(chars.length)]).join('');

type Val = string | number;
interface Env {
  fields: Record<string, string>;
  nowMs: number;
}

type Tok =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'field'; v: string }
  | { t: 'ident'; v: string }
  | { t: 'pipe' }
  | { t: 'lp' }
  | { t: 'rp' };

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '|') {
      out.push({ t: 'pipe' });
      i++;
      continue;
    }
    if (c === '(') {
      out.push({ t: 'lp' });
      i++;
      continue;
    }
    if (c === ')') {
      out.push({ t: 'rp' });
      i++;
      continue;
    }
    if (c === '"' || c === '`') {
      let j = i + 1,
        s = '';
      while (j < src.length && src[j] !== c) {
        if (c === '"' && src[j] === '\\' && j + 1 < src.length) {
          const e = src[j + 1];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
          continue;
        }
        s += src[j++];
      }
      if (j >= src.length) throw new Error('unterminated string in username_template');
      out.push({ t: 'str', v: s });
      i = j + 1;
      continue;
    }
    const m = /^-?\d+/.exec(src.slice(i));
    if (m) {
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
      continue;
    }
    const f = /^\.[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (f) {
      out.push({ t: 'field', v: f[0].slice(1) });
      i += f[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'ident', v: id[0] });
      i += id[0].length;
      continue;
    }
    throw new Error(`unexpected "${c}" in username_template`);
  }
  return out;
}

function callFn(name: string, args: Val[], env: Env): Val {
  const s = (i: number) => String(args[i] ?? '');
  const n = (i: number) => {
    const v = Number(args[i]);
    if (!Number.isInteger(v)) throw new Error(`${name}: expected a number`);
    return v;
  };
  switch (name) {
    case 'printf': {
      let k = 1;
      return s(0).replace(/%[sdv%]/g, (m) => (m === '%%' ? '%' : String(args[k++] ?? '')));
    }
    case 'truncate':
      return [...s(1)].slice(0, n(0)).join('');
    case 'uppercase':
      return s(0).toUpperCase();
    case 'lowercase':
      return s(0).toLowerCase();
    case 'replace':
      return s(2).split(s(0)).join(s(1));
    case 'random':
      return randomFrom(ALNUM, n(0));
    case 'unix_time':
      return Math.floor(env.nowMs / 1000);
    case 'unix_time_millis':
      return env.nowMs;
    case 'timestamp':
      return new Date(env.nowMs).toISOString();
    case 'uuid':
      return randomUUID();
    case 'sha256':
      return createHash('sha256').update(s(0)).digest('hex');
    case 'base64':
      return Buffer.from(s(0)).toString('base64');
    case 'truncate_sha256': {
      const v = s(1),
        max = n(0);
      if (v.length <= max) return v;
      const h = createHash('sha256').update(v).digest('hex');
      return v.slice(0, Math.max(0, max - 8)) + h.slice(0, 8);
    }
    default:
      throw new Error(`function "${name}" not defined in username_template`);
  }
}

function evalPipeline(toks: Tok[], env: Env): Val {
  const cmds: Tok[][] = [[]];
  let depth = 0;
  for (const t of toks) {
    if (t.t === 'lp') depth++;
    if (t.t === 'rp') depth--;
    if (t.t === 'pipe' && depth === 0) cmds.push([]);
    else cmds[cmds.length - 1].push(t);
  }
  let piped: Val | undefined;
  for (const cmd of cmds) {
    if (!cmd.length) throw new Error('empty command in username_template');
    const args: Val[] = [];
    let i = cmd[0].t === 'ident' ? 1 : 0;
    while (i < cmd.length) {
      const t = cmd[i];
      if (t.t === 'lp') {
        let d = 0,
          j = i;
        for (; j < cmd.length; j++) {
          if (cmd[j].t === 'lp') d++;
          if (cmd[j].t === 'rp' && --d === 0) break;
        }
        args.push(evalPipeline(cmd.slice(i + 1, j), env));
        i = j + 1;
        continue;
      }
      if (t.t === 'str' || t.t === 'num') args.push(t.v);
      else if (t.t === 'field') {
        if (!(t.v in env.fields)) throw new Error(`can't evaluate field ${t.v} in username_template`);
        args.push(env.fields[t.v]);
      } else if (t.t === 'ident') args.push(callFn(t.v, [], env));
      else throw new Error('unbalanced parentheses in username_template');
      i++;
    }
    if (piped !== undefined) args.push(piped);
    piped =
      cmd[0].t === 'ident'
        ? callFn(cmd[0].v, args, env)
        : args.length === 1
          ? args[0]
          : (() => {
              throw new Error('unexpected arguments in username_template');
            })();
  }
  return piped!;
}

/**
 * Renders a username template.
 * @throws Error with the reason when the template does not parse or evaluate.
 * @example renderUsername(DEFAULT_PG_USERNAME_TEMPLATE, { DisplayName: 'root', RoleName: 'readonly' }, Date.now())
 */
export function renderUsername(template: string, fields: Record<string, string>, nowMs: number): string {
  const env: Env = { fields, nowMs };
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open === -1) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, open);
    const close = template.indexOf('}}', open + 2);
    if (close === -1) throw new Error('unclosed action in username_template');
    out += String(evalPipeline(lex(template.slice(open + 2, close).replace(/^-|-$/g, '')), env));
    i = close + 2;
  }
  return out;
}

/** Checks a template parses and evaluates, for config writes. */
export function validateUsernameTemplate(template: string): void {
  renderUsername(template, { DisplayName: 'display', RoleName: 'role' }, Date.now());
}

const PW_CHARS = ALNUM + '-';
/**
 * The default password when no `password_policy` is set: 20 characters of `[A-Za-z0-9-]`
 * with at least one lowercase, one uppercase, one digit and one dash.
 */
export function defaultPassword(): string {
  for (;;) {
    const p = randomFrom(PW_CHARS, 20);
    if (/[a-z]/.test(p) && /[A-Z]/.test(p) && /[0-9]/.test(p) && p.includes('-')) return p;
  }
}
