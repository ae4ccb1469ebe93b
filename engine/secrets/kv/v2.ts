/**
 * KV version 2: versioned secrets under `data/`, their metadata under `metadata/`,
 * soft delete / undelete / destroy, check-and-set, pruning and `subkeys/`.
 */
import type { Backend, BackendContext, BackendRequest, PathDef } from '../../framework/backend.js';
import { formatGoDuration } from '../../sdk/duration.js';
import { multiError, notFound, userError, VaultError } from '../../sdk/errors.js';
import { rfc3339Nano, sha256hex } from '../../sdk/ids.js';
import type { DeepReadonly } from '../../sdk/storage.js';

interface VersionMeta {
  created_time: string;
  deletion_time: string;
  destroyed: boolean;
}
interface KeyMeta {
  versions: Record<string, VersionMeta>;
  current_version: number;
  oldest_version: number;
  max_versions: number;
  cas_required: boolean;
  delete_version_after: number;
  custom_metadata: Record<string, string> | null;
  created_time: string;
  updated_time: string;
}
interface Config {
  max_versions: number;
  cas_required: boolean;
  delete_version_after: number;
}

const INVALID = (verb: string) =>
  `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${verb}' for this operation.`;
const ROOT_WARN = 'Non-listing operations on the root of a K/V v2 mount are not supported.';

export function kvV2Backend(ctx: BackendContext): Backend {
  const st = ctx.storage;
  const clock = ctx.clock;
  const metaKey = (p: string) => `meta/${p}`;
  const verKey = (p: string, v: number) => `ver/${sha256hex(p)}/${v}`;
  const getMeta = (p: string) => st.getJSON<KeyMeta>(metaKey(p));
  const getConfig = async (): Promise<Config> =>
    (await st.getJSON<Config>('config')) ?? { max_versions: 0, cas_required: false, delete_version_after: 0 };
  const nowISO = () => rfc3339Nano(clock.nowMs());
  const isDeleted = (v: VersionMeta) => !!v.deletion_time && Date.parse(v.deletion_time) <= clock.nowMs();
  const versionMeta = (m: DeepReadonly<KeyMeta>, n: number) => ({
    created_time: m.versions[n].created_time,
    custom_metadata: m.custom_metadata,
    deletion_time: m.versions[n].deletion_time,
    destroyed: m.versions[n].destroyed,
    version: n,
  });
  const keyPath = (req: BackendRequest) => req.params.path ?? '';

  async function prune(p: string, m: KeyMeta) {
    const cfg = await getConfig();
    const max = Math.max(m.max_versions, cfg.max_versions) || 10;
    if (m.current_version - (m.oldest_version || 1) + 1 <= max) return;
    const cutoff = m.current_version - max;
    for (const k of Object.keys(m.versions)) {
      const n = Number(k);
      if (n <= cutoff) {
        delete m.versions[k];
        await st.delete(verKey(p, n));
      }
    }
    m.oldest_version = cutoff + 1;
  }

  async function write(
    req: BackendRequest,
    data: unknown,
    options: Record<string, unknown> | undefined,
    patch = false,
  ) {
    const p = keyPath(req);
    if (!p) throw userError(ROOT_WARN);
    if (data === undefined || data === null || typeof data !== 'object' || Array.isArray(data))
      throw userError('no data provided');
    const cfg = await getConfig();
    const m: KeyMeta = (await getMeta(p)) ?? {
      versions: {},
      current_version: 0,
      oldest_version: 0,
      max_versions: 0,
      cas_required: false,
      delete_version_after: 0,
      custom_metadata: null,
      created_time: '',
      updated_time: '',
    };
    let cas: number | undefined;
    if (options && options.cas !== undefined && options.cas !== null) {
      const c = Number(options.cas);
      if (!Number.isInteger(c)) throw userError('error parsing check-and-set parameter');
      cas = c;
    }
    if ((cfg.cas_required || m.cas_required) && cas === undefined)
      throw userError('check-and-set parameter required for this call');
    if (cas !== undefined && cas !== m.current_version)
      throw userError('check-and-set parameter did not match the current version');
    let body = data as Record<string, unknown>;
    if (patch) {
      const cur = m.versions[m.current_version];
      if (!cur || isDeleted(cur) || cur.destroyed) throw notFound();
      const prev = (await st.getJSON<Record<string, unknown>>(verKey(p, m.current_version))) ?? {};
      body = mergePatch(prev, body) as Record<string, unknown>;
    }
    const n = m.current_version + 1;
    const now = nowISO();
    const dva = [m.delete_version_after, cfg.delete_version_after].filter((x) => x > 0);
    const deletion = dva.length ? rfc3339Nano(clock.nowMs() + Math.min(...dva) * 1000) : '';
    m.versions[n] = { created_time: now, deletion_time: deletion, destroyed: false };
    m.current_version = n;
    if (!m.created_time) m.created_time = now;
    m.updated_time = now;
    await st.putJSON(verKey(p, n), body);
    await prune(p, m);
    await st.putJSON(metaKey(p), m);
    return { data: versionMeta(m, n) };
  }

  async function metaWrite(req: BackendRequest, d: import('../../framework/fields.js').FieldData, patch: boolean) {
    const p = keyPath(req);
    if (!p) throw userError('missing path');
    const fields = ['max_versions', 'cas_required', 'delete_version_after', 'custom_metadata'];
    if (!patch && !fields.some((f) => d.has(f))) return;
    let custom: Record<string, string | null> | undefined;
    if (d.has('custom_metadata')) {
      custom = {};
      for (const [k, v] of Object.entries(d.get<Record<string, unknown>>('custom_metadata'))) {
        if (v === null || v === undefined) {
          if (patch) custom[k] = null;
          else custom[k] = '';
          continue;
        }
        if (typeof v === 'object')
          throw userError(
            `${CM_PREFIX}: '' expected type 'string', got unconvertible type '${Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}'}'`,
          );
        custom[k] = String(v);
      }
      const problems = validateCustomMetadata(
        Object.fromEntries(Object.entries(custom).filter(([, v]) => v !== null)) as Record<string, string>,
      );
      if (problems.length) throw userError(multiError(problems));
    }
    const cfg = await getConfig();
    const warnings: string[] = [];
    if (d.has('cas_required') && cfg.cas_required && !d.get<boolean>('cas_required'))
      warnings.push('"cas_required" set to false, but is mandated by backend config. This value will be ignored.');
    let m = await getMeta(p);
    if (!m) {
      if (patch) throw notFound();
      const now = nowISO();
      m = {
        versions: {},
        current_version: 0,
        oldest_version: 0,
        max_versions: 0,
        cas_required: false,
        delete_version_after: 0,
        custom_metadata: null,
        created_time: now,
        updated_time: now,
      };
    }
    if (d.has('max_versions')) m.max_versions = Math.max(0, d.get<number>('max_versions'));
    if (d.has('cas_required')) m.cas_required = d.get<boolean>('cas_required');
    if (d.has('delete_version_after')) m.delete_version_after = d.get<number>('delete_version_after');
    if (custom) {
      const next: Record<string, string> = patch ? { ...(m.custom_metadata ?? {}) } : {};
      for (const [k, v] of Object.entries(custom)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      m.custom_metadata = Object.keys(next).length ? next : null;
    }
    await st.putJSON(metaKey(p), m);
    return warnings.length ? { warnings } : undefined;
  }

  const versionsField = { versions: { type: 'intSlice' as const } };
  const paths: PathDef[] = [
    {
      pattern: 'config',
      fields: {
        max_versions: { type: 'int' },
        cas_required: { type: 'bool' },
        delete_version_after: { type: 'duration' },
      },
      synopsis: 'Configures settings for the KV store.',
      operations: {
        read: async () => {
          const c = await getConfig();
          return {
            data: {
              cas_required: c.cas_required,
              delete_version_after: formatGoDuration(c.delete_version_after),
              max_versions: c.max_versions,
            },
          };
        },
        update: async (_r, d) => {
          const c = await getConfig();
          if (d.has('max_versions')) c.max_versions = d.get<number>('max_versions');
          if (d.has('cas_required')) c.cas_required = d.get<boolean>('cas_required');
          if (d.has('delete_version_after'))
            c.delete_version_after = Math.max(0, d.get<number>('delete_version_after'));
          await st.putJSON('config', c);
        },
      },
    },
    {
      pattern: 'data(?:/(?<path>.*))?',
      fields: { version: { type: 'int' }, data: { type: 'any' }, options: { type: 'map' } },
      synopsis: 'Write, Patch, Read, and Delete data in the Key-Value Store.',
      existenceCheck: async (req) => st.has(metaKey(keyPath(req))),
      operations: {
        read: async (req, d) => {
          const p = keyPath(req);
          if (!p) return { data: null, warnings: [ROOT_WARN], status: 404 };
          // The hottest path: read-only views of the stored values, no copies (see getJSONShared).
          const m = await st.getJSONShared<KeyMeta>(metaKey(p));
          if (!m) throw notFound();
          const n = d.get<number>('version') || m.current_version;
          const v = m.versions[n];
          if (!v) throw notFound();
          if (isDeleted(v) || v.destroyed) return { data: { data: null, metadata: versionMeta(m, n) }, status: 404 };
          const data = await st.getJSONShared<Record<string, unknown>>(verKey(p, n));
          return { data: { data: data ?? null, metadata: versionMeta(m, n) } };
        },
        create: async (req, d) => write(req, req.data.data, d.get<Record<string, unknown>>('options')),
        update: async (req, d) => write(req, req.data.data, d.get<Record<string, unknown>>('options')),
        patch: async (req, d) => {
          const ct = (req.contentType ?? '').split(';')[0].trim();
          if (ct && ct !== 'application/merge-patch+json')
            throw new VaultError(415, `PATCH requires Content-Type of application/merge-patch+json, provided ${ct}`);
          const m = await getMeta(keyPath(req));
          if (!m) throw notFound();
          const opts = d.get<Record<string, unknown>>('options');
          if (opts.cas !== undefined && Number(opts.cas) <= 0)
            throw userError('check-and-set parameter did not match the current version');
          return write(req, req.data.data, opts, true);
        },
        delete: async (req) => {
          const p = keyPath(req);
          if (!p) return { data: null, warnings: [ROOT_WARN], status: 404 };
          const m = await getMeta(p);
          if (!m) return;
          const v = m.versions[m.current_version];
          if (!v || v.destroyed || isDeleted(v)) return;
          v.deletion_time = nowISO();
          await st.putJSON(metaKey(p), m);
        },
      },
    },
    {
      pattern: 'delete(?:/(?<path>.*))?',
      fields: versionsField,
      operations: {
        update: async (req, d) => {
          const p = keyPath(req);
          if (!p) return { data: null, warnings: [ROOT_WARN], status: 404 };
          const vs = d.get<number[]>('versions');
          if (!vs.length) throw userError('No version number provided');
          const m = await getMeta(p);
          if (!m) return;
          for (const n of vs) {
            const v = m.versions[n];
            if (v && !v.destroyed && !isDeleted(v)) v.deletion_time = nowISO();
          }
          await st.putJSON(metaKey(p), m);
        },
      },
    },
    {
      pattern: 'undelete(?:/(?<path>.*))?',
      fields: versionsField,
      operations: {
        update: async (req, d) => {
          const p = keyPath(req);
          if (!p) return { data: null, warnings: [ROOT_WARN], status: 404 };
          const vs = d.get<number[]>('versions');
          if (!vs.length) throw userError('No version number provided');
          const m = await getMeta(p);
          if (!m) return;
          for (const n of vs) {
            const v = m.versions[n];
            if (v && !v.destroyed) v.deletion_time = '';
          }
          await st.putJSON(metaKey(p), m);
        },
      },
    },
    {
      pattern: 'destroy(?:/(?<path>.*))?',
      fields: versionsField,
      operations: {
        update: async (req, d) => {
          const p = keyPath(req);
          if (!p) return { data: null, warnings: [ROOT_WARN], status: 404 };
          const vs = d.get<number[]>('versions');
          if (!vs.length) throw userError('no version number provided');
          const m = await getMeta(p);
          if (!m) return;
          for (const n of vs) {
            const v = m.versions[n];
            if (v) {
              v.destroyed = true;
              await st.delete(verKey(p, n));
            }
          }
          await st.putJSON(metaKey(p), m);
        },
      },
    },
    {
      pattern: 'metadata(?:/(?<path>.*))?',
      fields: {
        max_versions: { type: 'int' },
        cas_required: { type: 'bool' },
        delete_version_after: { type: 'duration' },
        custom_metadata: { type: 'map' },
      },
      existenceCheck: async (req) => st.has(metaKey(keyPath(req))),
      operations: {
        list: async (req) => {
          const keys = await st.list(metaKey(keyPath(req)));
          if (!keys.length) throw notFound();
          return { data: { keys } };
        },
        read: async (req) => {
          const p = keyPath(req);
          if (!p) return { data: null, warnings: [ROOT_WARN], status: 404 };
          const m = await getMeta(p);
          if (!m) throw notFound();
          return {
            data: {
              cas_required: m.cas_required,
              created_time: m.created_time,
              current_version: m.current_version,
              custom_metadata: m.custom_metadata,
              delete_version_after: formatGoDuration(m.delete_version_after),
              max_versions: m.max_versions,
              oldest_version: m.oldest_version,
              updated_time: m.updated_time,
              versions: m.versions,
            },
          };
        },
        create: async (req, d) => metaWrite(req, d, false),
        update: async (req, d) => metaWrite(req, d, false),
        patch: async (req, d) => metaWrite(req, d, true),
        delete: async (req) => {
          const p = keyPath(req);
          if (!p) return { data: null, warnings: [ROOT_WARN], status: 404 };
          const m = await getMeta(p);
          if (!m) return;
          for (const k of Object.keys(m.versions)) await st.delete(verKey(p, Number(k)));
          await st.delete(metaKey(p));
        },
      },
    },
    {
      pattern: 'subkeys(?:/(?<path>.*))?',
      fields: { version: { type: 'int' }, depth: { type: 'int' } },
      operations: {
        read: async (req, d) => {
          const p = keyPath(req);
          const m = await getMeta(p);
          if (!m) throw notFound();
          const n = d.get<number>('version') || m.current_version;
          const v = m.versions[n];
          if (!v) throw notFound();
          if (isDeleted(v) || v.destroyed) return { data: { subkeys: null, metadata: versionMeta(m, n) }, status: 404 };
          const data = (await st.getJSON<Record<string, unknown>>(verKey(p, n))) ?? {};
          return { data: { subkeys: subkeys(data, d.get<number>('depth'), 1), metadata: versionMeta(m, n) } };
        },
      },
    },
    {
      // Anything else on a v2 mount: 404 with Vault's hint about the right command.
      pattern: '(?<other>.*)',
      operations: {
        read: () => ({ data: null, warnings: [INVALID('get')], status: 404 }),
        list: () => ({ data: null, warnings: [INVALID('list')], status: 404 }),
        create: () => ({ data: null, warnings: [INVALID('put')], status: 404 }),
        update: () => ({ data: null, warnings: [INVALID('put')], status: 404 }),
        patch: () => ({ data: null, warnings: [INVALID('patch')], status: 404 }),
        delete: () => ({ data: null, warnings: [INVALID('delete')], status: 404 }),
      },
    },
  ];
  return { type: 'kv', kind: 'secret', paths, help: 'This backend provides a versioned key-value store.' };
}

/**
 * The one-way upgrade of a KV v1 mount (`kv enable-versioning`, tune `options.version=2`):
 * every v1 entry becomes version 1 of a v2 key, as Vault's upgrade does.
 */
export async function upgradeFromV1(ctx: BackendContext): Promise<number> {
  const st = ctx.storage;
  const keys: string[] = [];
  const walk = async (p: string) => {
    for (const k of await st.list(`kv/${p}`)) {
      if (k.endsWith('/')) await walk(p + k);
      else keys.push(p + k);
    }
  };
  await walk('');
  const now = rfc3339Nano(ctx.clock.nowMs());
  for (const p of keys) {
    const data = await st.getJSON<Record<string, unknown>>(`kv/${p}`);
    if (data) {
      const m: KeyMeta = {
        versions: { 1: { created_time: now, deletion_time: '', destroyed: false } },
        current_version: 1,
        oldest_version: 0,
        max_versions: 0,
        cas_required: false,
        delete_version_after: 0,
        custom_metadata: null,
        created_time: now,
        updated_time: now,
      };
      await st.putJSON(`ver/${sha256hex(p)}/1`, data);
      await st.putJSON(`meta/${p}`, m);
    }
    await st.delete(`kv/${p}`);
  }
  return keys.length;
}

const CM_PREFIX = 'custom_metadata validation failed';

/** Vault's limits on custom_metadata: 64 keys, keys ≤ 128 bytes, values ≤ 512 bytes, printable. */
function validateCustomMetadata(cm: Record<string, string>): string[] {
  const keys = Object.keys(cm);
  if (keys.length > 64) return [`${CM_PREFIX}: payload must contain at most 64 keys, provided ${keys.length}`];
  const errs: string[] = [];
  const printable = (x: string) => !/[\u0000-\u001f\u007f-\u009f]/.test(x);
  for (const k of keys) {
    const v = cm[k];
    const kl = Buffer.byteLength(k),
      vl = Buffer.byteLength(v);
    if (kl === 0 || kl > 128)
      errs.push(`${CM_PREFIX}: length of key ${JSON.stringify(k)} is ${kl} but must be 0 < len(key) <= 128`);
    if (vl === 0 || vl > 512)
      errs.push(
        `${CM_PREFIX}: length of value for key ${JSON.stringify(k)} is ${vl} but must be 0 < len(value) <= 512`,
      );
    if (!printable(k)) errs.push(`${CM_PREFIX}: key ${JSON.stringify(k)} (${k}) contains unprintable characters`);
    if (!printable(v)) errs.push(`${CM_PREFIX}: value for key ${JSON.stringify(k)} contains unprintable characters`);
  }
  return errs;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function subkeys(v: Record<string, unknown>, depth: number, level: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] =
      x && typeof x === 'object' && !Array.isArray(x) && (depth === 0 || level < depth)
        ? subkeys(x as Record<string, unknown>, depth, level + 1)
        : null;
  }
  return out;
}
