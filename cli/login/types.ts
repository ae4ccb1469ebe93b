/** What an auth method's login handler is: the CLI's side of `vault login -method=<name>`. */
import type { CommandContext } from '../command.js';

/**
 * Turns `vault login -method=… K=V…` into the login request to send (its API path and
 * body), or an exit code when the arguments are not enough (the message already printed).
 */
export type LoginHandler = (
  ctx: CommandContext,
  mount: string,
  data: Record<string, unknown>,
) => Promise<{ path: string; body: Record<string, unknown> } | number>;
