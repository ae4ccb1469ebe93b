/**
 * What every CLI command is: a name (`kv put`), its flags, help text, and a run
 * function over a context that knows the environment, the output format and the
 * HTTP client. Commands register themselves in `commands/index.ts`.
 */
import { ApiError, ConnectError, VaultClient } from './api/client.js';
import type { FlagSpecs } from './flags.js';
import { resolveToken } from './token-helper.js';
import { CaptureSignal } from './api/capture.js';
import { cell, goValue, kvTable, secretShape, sortDeep, toJson, toYaml, wrapAtLength } from './format.js';

export interface IO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
  /** Whether stdout is a terminal (`-field` prints a newline only then). */
  isTTY: boolean;
  /** The folder relative file names (`@file`, a policy file) are read from; the process's own when absent. */
  cwd?: string;
  /** Prompts for a secret without echo (password prompts); undefined when non-interactive. */
  promptSecret?: (prompt: string) => Promise<string>;
}

export interface CommandContext {
  name: string;
  args: string[];
  flags: Record<string, unknown>;
  set: Set<string>;
  env: Record<string, string | undefined>;
  io: IO;
  /** The HTTP client built from -address / VAULT_ADDR and the token. */
  client(): VaultClient;
  format(): 'table' | 'json' | 'yaml' | 'pretty';
  /** Prints a response (table, json, yaml, or one field). Returns the exit code. */
  outputSecret(resp: Record<string, unknown> | null): number;
  outputData(data: Record<string, unknown>): number;
  /** Prints an API error with the command's prefix. Returns 2 (or 1 for local errors). */
  fail(prefix: string, e: unknown): number;
  /** Prints a local error (exit 1). */
  error(msg: string): number;
  warnings(resp: Record<string, unknown> | null): void;
}

export interface Command {
  name: string;
  synopsis: string;
  help: string;
  flags?: FlagSpecs;
  /** Adds -format and -field. */
  output?: boolean;
  /** Adds the HTTP flags (default true). */
  http?: boolean;
  run(ctx: CommandContext): Promise<number>;
}

/** What HashiCorp's CLI answers for -format=pretty on anything but autopilot state. */
export const PRETTY_REFUSED = 'Could not parse output: cannot use the pretty formatter for this type';

/** Pseudo-fields of a secret that `-field` and tables know about. */
export function secretRows(resp: Record<string, unknown>): Array<[string, unknown]> {
  const rows: Array<[string, unknown]> = [];
  const leaseDuration = Number(resp.lease_duration ?? 0);
  if (resp.lease_id && leaseDuration > 0) {
    rows.push(['lease_id', resp.lease_id], ['lease_duration', leaseDuration], ['lease_renewable', resp.renewable]);
  } else if (leaseDuration > 0) {
    rows.push(['refresh_interval', leaseDuration]);
  }
  const auth = resp.auth as Record<string, unknown> | null | undefined;
  if (auth) {
    rows.push(['token', auth.client_token], ['token_accessor', auth.accessor]);
    rows.push(['token_duration', Number(auth.lease_duration) === 0 ? '∞' : auth.lease_duration]);
    rows.push(['token_renewable', auth.renewable]);
    rows.push(
      ['token_policies', auth.token_policies ?? []],
      ['identity_policies', auth.identity_policies ?? []],
      ['policies', auth.policies ?? []],
    );
    const meta = (auth.metadata as Record<string, string> | null) ?? {};
    for (const k of Object.keys(meta).sort()) rows.push([`token_meta_${k}`, meta[k]]);
  }
  const wrap = resp.wrap_info as Record<string, unknown> | null | undefined;
  if (wrap) {
    rows.push(
      ['wrapping_token:', wrap.token],
      ['wrapping_accessor:', wrap.accessor],
      ['wrapping_token_ttl:', wrap.ttl],
      ['wrapping_token_creation_time:', goTime(wrap.creation_time)],
      ['wrapping_token_creation_path:', wrap.creation_path],
    );
    if (wrap.wrapped_accessor) rows.push(['wrapped_accessor:', wrap.wrapped_accessor]);
  }
  const data = resp.data as Record<string, unknown> | null | undefined;
  if (data) for (const k of Object.keys(data).sort()) rows.push([k, data[k]]);
  return rows;
}

const QUOTED_LISTS = new Set(['token_policies', 'identity_policies', 'policies']);

/** Renders a secret's rows as the table the real CLI prints. */
export function secretTable(resp: Record<string, unknown>): string {
  const rows = secretRows(resp).map(([k, v]): [string, string] => {
    if (QUOTED_LISTS.has(k) && Array.isArray(v) && (resp.auth as unknown))
      return [k, `[${v.map((x) => JSON.stringify(x)).join(' ')}]`];
    if (k === 'token_duration' && v === '∞') return [k, '∞'];
    if (k === 'lease_duration' || k === 'refresh_interval' || k === 'token_duration' || k === 'wrapping_token_ttl:')
      return [k, cell('ttl', v)];
    return [k, cell(k, v)];
  });
  return rows.length ? kvTable(rows) : '';
}

/** The value of `-field` on a secret (pseudo-fields first, then data keys). */
export function fieldOf(resp: Record<string, unknown>, field: string): { found: boolean; value: unknown } {
  const rows = secretRows(resp);
  const hit = rows.find(([k]) => k === field || k === field + ':');
  if (hit) return { found: true, value: hit[1] };
  const wrap = resp.wrap_info as Record<string, unknown> | null;
  if (wrap && field === 'wrapping_token') return { found: true, value: wrap.token };
  return { found: false, value: undefined };
}

export function printField(io: IO, value: unknown, format = 'table') {
  // Like the Go CLI: raw `%v` for table output, the value marshalled for json/yaml.
  if (format === 'json' || format === 'pretty') {
    io.stdout(JSON.stringify(sortDeep(value), null, 2) + '\n');
    return;
  }
  if (format === 'yaml') {
    io.stdout(toYaml(value));
    return;
  }
  const s = typeof value === 'string' ? value : goValue(value);
  io.stdout(io.isTTY ? s + '\n' : s);
}

/** Go's `time.Time.String()` of an RFC 3339 UTC time: `2024-03-07 20:34:02.005655614 +0000 UTC`. */
export function goTime(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(v);
  if (!m) return v;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1]} ${m[2]}${frac === '.' ? '' : frac} +0000 UTC`;
}

export function makeContext(base: {
  name: string;
  args: string[];
  flags: Record<string, unknown>;
  set: Set<string>;
  env: Record<string, string | undefined>;
  io: IO;
}): CommandContext {
  let client: VaultClient | undefined;
  const ctx: CommandContext = {
    ...base,
    client() {
      if (client) return client;
      const address = (base.flags.address as string) || base.env.VAULT_ADDR || 'https://127.0.0.1:8200';
      const wrap = base.flags['wrap-ttl'] as string | undefined;
      client = new VaultClient(address, resolveToken(base.env), {
        wrapTTL: wrap || undefined,
        headers: base.flags.header as Record<string, string>,
        namespace: (base.flags.namespace as string) || undefined,
      });
      client.capture = base.flags['output-curl-string'] ? 'curl' : base.flags['output-policy'] ? 'policy' : undefined;
      return client;
    },
    format() {
      const f = String(base.flags.format ?? base.env.VAULT_FORMAT ?? 'table').toLowerCase();
      if (f === 'yml') return 'yaml';
      return (['json', 'yaml', 'pretty', 'raw'].includes(f) ? f : 'table') as 'table' | 'json' | 'yaml' | 'pretty';
    },
    warnings(resp) {
      const w = resp?.warnings as string[] | null | undefined;
      if (w?.length && ctx.format() === 'table')
        base.io.stderr(
          `WARNING! The following warnings were returned from Vault:\n\n${w.map((x) => `${wrapAtLength(`* ${x}`, 2)}\n\n`).join('')}`,
        );
    },
    outputSecret(resp) {
      if (!resp) return 0;
      const field = base.flags.field as string | undefined;
      if (field) {
        const f = fieldOf(resp, field);
        if (!f.found) return ctx.error(`Field "${field}" not present in secret`);
        printField(base.io, f.value, ctx.format());
        return 0;
      }
      const fmt = ctx.format();
      if (fmt === 'pretty') return ctx.error(PRETTY_REFUSED);
      if (fmt === 'json') {
        base.io.stdout(toJson(secretShape(resp)));
        return 0;
      }
      if (fmt === 'yaml') {
        base.io.stdout(toYaml(secretShape(resp)));
        return 0;
      }
      ctx.warnings(resp);
      base.io.stdout(secretTable(resp));
      return 0;
    },
    outputData(data) {
      const field = base.flags.field as string | undefined;
      if (field) {
        if (!(field in data)) return ctx.error(`Field "${field}" not present in secret`);
        printField(base.io, data[field], ctx.format());
        return 0;
      }
      const fmt = ctx.format();
      if (fmt === 'pretty') return ctx.error(PRETTY_REFUSED);
      if (fmt === 'json') {
        base.io.stdout(toJson(sortDeep(data)));
        return 0;
      }
      if (fmt === 'yaml') {
        base.io.stdout(toYaml(data));
        return 0;
      }
      base.io.stdout(
        kvTable(
          Object.keys(data)
            .sort()
            .map((k) => [k, cell(k, data[k])]),
        ),
      );
      return 0;
    },
    fail(prefix, e) {
      if (e instanceof ApiError) {
        base.io.stderr(`${prefix}: ${e.render()}\n`);
        return 2;
      }
      if (e instanceof ConnectError) {
        base.io.stderr(`${prefix}: ${e.message}\n`);
        return 2;
      }
      if (e instanceof CaptureSignal) throw e;
      base.io.stderr(`${prefix}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    },
    error(msg) {
      base.io.stderr(msg.endsWith('\n') ? msg : msg + '\n');
      return 1;
    },
  };
  return ctx;
}
