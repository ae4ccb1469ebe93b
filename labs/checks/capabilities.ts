/**
 * `capabilities` (level): what may a token or a policy do on a path? Evaluated by the
 * engine's own ACL (the same answer `vault token capabilities` gives). The judged
 * identity must exist first — a named policy that is not there, or a token the learner
 * has not created yet, fails — so an `excludes` cannot pass on an empty engine.
 */
import type { z } from 'zod';
import type { CapabilitiesCheck } from '../format/schema.js';
import type { Evaluator } from './types.js';
import { globToRegex } from './request.js';

type Spec = z.infer<typeof CapabilitiesCheck>;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export const capabilitiesCheck: Evaluator<Spec> = async (spec, ctx) => {
  let policies: string[];
  let who: string;
  if (spec.policy !== undefined) {
    policies = list(spec.policy);
    for (const p of policies) {
      if (p === 'root') continue;
      const r = await ctx.api('read', `sys/policies/acl/${p}`);
      if (r.status !== 200) return { pass: false, kind: 'level', message: `Not yet: there is no policy named ${p}.` };
    }
    who = `policy ${policies.join(' + ')}`;
  } else if (spec.token_from) {
    const re = globToRegex(spec.token_from.path);
    const ops = list(spec.token_from.operation);
    const e = [...ctx.events]
      .reverse()
      .find(
        (x) =>
          re.test(x.request.path) &&
          (!ops.length || ops.includes(x.request.operation as never)) &&
          (x.status ?? 0) < 400 &&
          (x.response?.auth as { policies?: string[] } | undefined)?.policies,
      );
    if (!e)
      return {
        pass: false,
        kind: 'level',
        message: `Not yet: no token issued at ${spec.token_from.path} in this step.`,
      };
    policies = (e.response!.auth as { policies: string[] }).policies;
    who = `the token you got from ${e.request.path} (policies ${policies.join(', ')})`;
  } else {
    const e = [...ctx.events].reverse().find((x) => x.auth);
    if (!e) return { pass: false, kind: 'level', message: 'Not yet: you have made no request in this step.' };
    policies = e.auth!.policies;
    who = `the token of your last request (policies ${policies.join(', ')})`;
  }
  const caps = await ctx.capabilities(policies, spec.path.replace(/^\/+/, ''));
  const has = (c: string) => (caps.includes('root') ? c !== 'deny' : caps.includes(c));
  const missing = (spec.includes ?? []).filter((c) => !has(c));
  const extra = (spec.excludes ?? []).filter((c) => has(c));
  const eq = spec.equals ? [...spec.equals].sort().join(',') === [...caps].sort().join(',') : true;
  const shown = `[${caps.join(', ')}]`;
  if (missing.length)
    return {
      pass: false,
      kind: 'level',
      message: `Not yet: ${who} can do ${shown} on ${spec.path}; it also needs ${missing.join(', ')}.`,
    };
  if (extra.length)
    return {
      pass: false,
      kind: 'level',
      message: `Not yet: ${who} can still ${extra.join(', ')} on ${spec.path} (${shown}); least privilege says it should not.`,
    };
  if (!eq)
    return {
      pass: false,
      kind: 'level',
      message: `Not yet: ${who} can do ${shown} on ${spec.path}; the step wants exactly [${spec.equals!.join(', ')}].`,
    };
  return { pass: true, kind: 'level', message: `${who} can do ${shown} on ${spec.path}` };
};
