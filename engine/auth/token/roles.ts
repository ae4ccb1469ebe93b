/** Token roles (`auth/token/roles/<name>`): named presets for `auth/token/create/<role>`. */
import type { BackendContext, PathDef } from '../../framework/backend.js';
import { notFound } from '../../sdk/errors.js';

export interface TokenRole {
  name: string;
  allowed_policies: string[];
  disallowed_policies: string[];
  allowed_policies_glob?: string[];
  disallowed_policies_glob?: string[];
  orphan: boolean;
  renewable: boolean;
  path_suffix: string;
  token_ttl: number;
  token_max_ttl: number;
  token_explicit_max_ttl: number;
  token_period: number;
  token_no_default_policy: boolean;
  token_type: string;
  token_bound_cidrs: string[];
  token_num_uses: number;
}

export function rolePaths(ctx: BackendContext): PathDef[] {
  const fields = {
    allowed_policies: { type: 'commaStringSlice' as const },
    disallowed_policies: { type: 'commaStringSlice' as const },
    allowed_policies_glob: { type: 'commaStringSlice' as const },
    disallowed_policies_glob: { type: 'commaStringSlice' as const },
    orphan: { type: 'bool' as const },
    renewable: { type: 'bool' as const, default: true },
    path_suffix: { type: 'string' as const },
    token_ttl: { type: 'duration' as const },
    token_max_ttl: { type: 'duration' as const },
    token_explicit_max_ttl: { type: 'duration' as const, aliases: ['explicit_max_ttl'] },
    token_period: { type: 'duration' as const, aliases: ['period'] },
    token_no_default_policy: { type: 'bool' as const },
    token_type: { type: 'string' as const, default: 'default-service' },
    token_bound_cidrs: { type: 'commaStringSlice' as const, aliases: ['bound_cidrs'] },
    token_num_uses: { type: 'int' as const },
  };
  return [
    {
      pattern: 'roles/?',
      operations: {
        list: async () => {
          const keys = await ctx.storage.list('roles/');
          if (!keys.length) throw notFound();
          return { data: { keys } };
        },
      },
    },
    {
      pattern: 'roles/(?<role>[^/]+)',
      fields,
      existenceCheck: async (req) => !!(await ctx.storage.get(`roles/${req.params.role}`)),
      operations: {
        read: async (req) => {
          const r = await ctx.storage.getJSON<TokenRole>(`roles/${req.params.role}`);
          if (!r) throw notFound();
          return { data: r as unknown as Record<string, unknown> };
        },
        update: async (req, d) => {
          const prev = (await ctx.storage.getJSON<TokenRole>(`roles/${req.params.role}`)) ?? ({} as Partial<TokenRole>);
          const next: Record<string, unknown> = { ...prev, name: req.params.role };
          for (const k of Object.keys(fields)) if (d.has(k) || !(k in next)) next[k] = d.get(k);
          await ctx.storage.putJSON(`roles/${req.params.role}`, next);
        },
        delete: async (req) => {
          await ctx.storage.delete(`roles/${req.params.role}`);
        },
      },
    },
  ];
}
