/**
 * `file` (level): a file in the learner's workspace exists (or no longer does), holds
 * some text, has a mode. Paths outside the workspace are refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { FileCheck } from '../format/schema.js';
import type { Evaluator } from './types.js';

type Spec = z.infer<typeof FileCheck>;

export const fileCheck: Evaluator<Spec> = async (spec, ctx) => {
  const root = path.resolve(ctx.workspace);
  const target = path.resolve(root, spec.path);
  if (target !== root && !target.startsWith(root + path.sep))
    return {
      pass: false,
      kind: 'level',
      message: `${spec.path} is outside the lab workspace; a file check only looks inside it.`,
    };
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(target);
  } catch {
    st = undefined;
  }
  if (!spec.exists) {
    return st
      ? { pass: false, kind: 'level', observed: 'present', message: `Not yet: ${spec.path} still exists.` }
      : { pass: true, kind: 'level', observed: 'absent', message: `${spec.path} is gone` };
  }
  if (!st)
    return { pass: false, kind: 'level', message: `Not yet: there is no ${spec.path} in your workspace (${root}).` };
  if (!st.isFile())
    return { pass: false, kind: 'level', observed: 'present', message: `Not yet: ${spec.path} is not a regular file.` };
  if (spec.mode !== undefined) {
    const want = parseInt(spec.mode, 8);
    const got = st.mode & 0o777;
    if (got !== want)
      return {
        pass: false,
        kind: 'level',
        observed: 'present',
        message: `Not yet: ${spec.path} has mode ${got.toString(8).padStart(3, '0')}, the step wants ${want.toString(8).padStart(3, '0')} (chmod ${want.toString(8)} ${spec.path}).`,
      };
  }
  if (spec.contains !== undefined || spec.matches !== undefined) {
    const text = fs.readFileSync(target, 'utf8');
    if (spec.contains !== undefined && !text.includes(spec.contains))
      return {
        pass: false,
        kind: 'level',
        observed: 'present',
        message: `Not yet: ${spec.path} does not contain ${JSON.stringify(spec.contains)}.`,
      };
    if (spec.matches !== undefined && !new RegExp(spec.matches, 'm').test(text))
      return {
        pass: false,
        kind: 'level',
        observed: 'present',
        message: `Not yet: ${spec.path} does not match /${spec.matches}/.`,
      };
  }
  return { pass: true, kind: 'level', observed: 'present', message: `${spec.path} is as expected` };
};
