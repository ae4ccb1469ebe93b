/** The `kv` backend type: version 1 or 2 chosen by the mount's `options.version`. */
import type { Backend, BackendContext } from '../../framework/backend.js';
import { kvV1Backend } from './v1.js';
import { kvV2Backend } from './v2.js';

export function kvBackend(ctx: BackendContext): Backend {
  return ctx.options?.version === '2' ? kvV2Backend(ctx) : kvV1Backend(ctx);
}
export { cubbyholeBackend } from './v1.js';
