/** CIDR checks shared by auth methods (bound CIDRs) and the core (a token's `token_bound_cidrs`). */
import { BlockList, isIP } from 'node:net';
import { userError } from './errors.js';

/** Validates a list of CIDR blocks or bare addresses. @throws 400 naming the bad entry. */
export function parseCidrList(list: string[], field: string): string[] {
  for (const c of list) if (!cidrBlock(c)) throw userError(`invalid CIDR block ${JSON.stringify(c)} in "${field}"`);
  return list;
}

function cidrBlock(c: string): { net: string; prefix: number; type: 'ipv4' | 'ipv6' } | undefined {
  const [addr, pfx] = c.trim().split('/');
  const v = isIP(addr);
  if (!v) return undefined;
  const max = v === 4 ? 32 : 128;
  const prefix = pfx === undefined ? max : /^\d+$/.test(pfx) ? Number(pfx) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { net: addr, prefix, type: v === 4 ? 'ipv4' : 'ipv6' };
}

/** The client address without the IPv4-mapped IPv6 prefix node reports. */
export function clientAddress(remote: string | undefined): string {
  const a = (remote ?? '').trim();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/** Whether the address is inside any of the blocks (an empty list allows everyone). */
export function addressAllowed(remote: string | undefined, cidrs: string[]): boolean {
  if (!cidrs.length) return true;
  const addr = clientAddress(remote);
  const v = isIP(addr);
  if (!v) return false;
  const list = new BlockList();
  for (const c of cidrs) {
    const b = cidrBlock(c);
    if (b) list.addSubnet(b.net, b.prefix, b.type);
  }
  return list.check(addr, v === 4 ? 'ipv4' : 'ipv6');
}
