/** `vault unwrap [TOKEN]`: returns the response a wrapping token holds, once. */
import type { Command } from '../command.js';
import { printList } from './common.js';

export const unwrap: Command = {
  name: 'unwrap',
  synopsis: 'Unwrap a wrapped secret',
  help: `Usage: vault unwrap [options] [TOKEN]

  Unwraps a wrapped secret from Vault by the given token. The result is the
  same as the "vault read" operation on the non-wrapped secret. If no token
  is given, the data in the currently authenticated token is unwrapped.

  Unwrap the data in the cubbyhole secrets engine for a token:

      $ vault unwrap 3de9ece1-b347-e143-29b0-dc2dc31caafd

  Unwrap the data in the active token:

      $ vault login 848f9ccf-7176-098c-5e2b-75a0689d41cd
      $ vault unwrap # unwraps 848f9ccf...`,
  output: true,
  async run(ctx) {
    if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 0-1, got ${ctx.args.length})`);
    const wrapping = (ctx.args[0] ?? '').trim();
    const client = ctx.client();
    // Like the Go client: with no token of our own the wrapping token authenticates the call;
    // otherwise it travels in the body and our token needs update on sys/wrapping/unwrap.
    let body: Record<string, unknown> | undefined;
    if (wrapping) {
      if (!client.token) client.token = wrapping;
      else if (client.token !== wrapping) body = { token: wrapping };
    }
    let r;
    try {
      r = await client.request('PUT', 'sys/wrapping/unwrap', body, { noWrap: true });
    } catch (e) {
      return ctx.fail('Error unwrapping', e);
    }
    if (!r.body) {
      ctx.io.stderr('Could not find wrapped response\n');
      return 2;
    }
    const data = r.body.data as Record<string, unknown> | null | undefined;
    if (!ctx.flags.field && data && Array.isArray(data.keys) && Object.keys(data).length === 1)
      return printList(ctx, r.body, 'sys/wrapping/unwrap');
    return ctx.outputSecret(r.body);
  },
};
