/**
 * `vault login -method=kubernetes role=… jwt=…`: posts the service-account JWT to
 * `auth/<mount>/login`. (HashiCorp's CLI has no built-in handler for this method —
 * there, `vault write auth/kubernetes/login role=… jwt=…` is the way; ours accepts both.)
 */
import type { LoginHandler } from './types.js';

export const kubernetesLogin: LoginHandler = async (ctx, mount, data) => {
  const role = data.role === undefined ? '' : String(data.role);
  if (!role) {
    ctx.io.stderr("Error authenticating: 'role' must be specified\n");
    return 2;
  }
  const jwt = data.jwt === undefined ? '' : String(data.jwt).trim();
  if (!jwt) {
    ctx.io.stderr(
      "Error authenticating: 'jwt' must be specified (for example jwt=@/var/run/secrets/kubernetes.io/serviceaccount/token)\n",
    );
    return 2;
  }
  return { path: `auth/${mount}/login`, body: { role, jwt } };
};
