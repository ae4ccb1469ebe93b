/**
 * -output-curl-string and -output-policy: the request a command would send, shown as
 * a curl command or as the smallest policy that allows it — a teaching aid.
 */
export class CaptureSignal extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly path: string,
    readonly body: unknown,
    readonly headers: Record<string, string>,
    readonly extra: string[] = [],
  ) {
    super('captured');
  }
}

const shq = (s: string) => `'${s.replace(/'/g, `'"'"'`)}'`;

export function curlString(c: CaptureSignal): string {
  const parts = ['curl'];
  if (c.method !== 'GET') parts.push('-X', c.method);
  for (const [k, v] of Object.entries(c.headers)) {
    if (k === 'Content-Length' || k === 'Content-Type') continue;
    parts.push(
      '-H',
      shq(`${k}: ${k === 'X-Vault-Token' ? '$(vault print token)' : v}`).replace(
        `'${k}: $(vault print token)'`,
        `"${k}: $(vault print token)"`,
      ),
    );
  }
  if (c.body !== undefined) parts.push('-d', shq(JSON.stringify(c.body)));
  parts.push(c.url);
  return parts.join(' ') + '\n';
}

/** The capability a captured request needs. */
export function capabilityFor(method: string, url: string): string {
  const list = /[?&]list=true/.test(url);
  switch (method) {
    case 'GET':
      return list ? 'list' : 'read';
    case 'LIST':
      return 'list';
    case 'DELETE':
      return 'delete';
    case 'PATCH':
      return 'patch';
    default:
      return 'update';
  }
}

export function policyString(c: CaptureSignal, extra: string[] = c.extra): string {
  let p = c.path.replace(/\?.*$/, '');
  const cap = capabilityFor(c.method, c.url);
  if (cap === 'list' && !p.endsWith('/')) p += '/';
  const base = cap === 'update' ? ['create', 'update'] : [cap];
  if (SUDO_PATHS.some((re) => re.test(p))) base.push('sudo');
  const order = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo'];
  const caps = [...new Set([...base, ...extra])].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return `path "${p}" {\n  capabilities = [${caps.map((x) => `"${x}"`).join(', ')}]\n}\n`;
}

/** Root-protected paths: the policy must also grant `sudo` (reference §15.13). */
const SUDO_PATHS = [
  /^auth\/token\/accessors\/?$/,
  /^auth\/token\/revoke-orphan(\/.*)?$/,
  /^sys\/audit\/?$/,
  /^sys\/audit\/.+/,
  /^sys\/auth\/.+/,
  /^sys\/config\/auditing\/request-headers/,
  /^sys\/config\/cors$/,
  /^sys\/leases\/lookup\/.*/,
  /^sys\/leases\/revoke-(force|prefix)\/.+/,
  /^sys\/(revoke-force|revoke-prefix)\/.+/,
  /^sys\/raw(\/.*)?$/,
  /^sys\/remount$/,
  /^sys\/rotate$/,
  /^sys\/seal$/,
  /^sys\/step-down$/,
  /^pki\/root$/,
];
