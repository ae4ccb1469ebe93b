/** The `kv` backend type: version 1 or 2 chosen by the mount's `options.version`. */
import type { Backend, BackendContext } from '../../framework/backend.js';
import { kvV1Backend } from './v1.js';
import { kvV2Backend, upgradeFromV1 } from './v2.js';

export async function kvBackend(ctx: BackendContext): Promise<Backend> {
  if (ctx.options?.version !== '2') return kvV1Backend(ctx);
  await upgradeFromV1(ctx); // no-op unless the mount was just upgraded from v1
  return kvV2Backend(ctx);
}
export { cubbyholeBackend } from './v1.js';
