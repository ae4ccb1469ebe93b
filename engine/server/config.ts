/**
 * The server configuration file of `vault-lab server -config=<file>`: a small subset of
 * Vault's HCL config.
 *
 *   storage "file" { path = "./vault-data" }      # or storage "inmem" {}
 *   # or storage "raft" { path = "./raft-data"  node_id = "node1" } with cluster_addr = "https://127.0.0.1:8201"
 *   listener "tcp" { address = "127.0.0.1:8200"  tls_disable = true }
 *   default_lease_ttl = "768h"
 *   max_lease_ttl     = "768h"
 *
 * Errors carry the file name, line and column and say what to write instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HclError, type HclItem, type HclObject, type HclValue, isObject, parseHcl } from '../core/hcl.js';
import { parseDuration } from '../sdk/duration.js';

export interface ServerConfig {
  storage:
    | { kind: 'file'; path: string }
    | { kind: 'memory' }
    | { kind: 'raft'; path: string; nodeId?: string; clusterAddr: string };
  /** host:port, loopback only. */
  address: string;
  defaultLeaseTTL?: number;
  maxLeaseTTL?: number;
  /** Keys Vault knows that vault-lab ignores, reported as warnings. */
  warnings: string[];
}

export class ConfigError extends Error {}

/** Accepted for compatibility with Vault configs; they change nothing here. */
const IGNORED = new Set([
  'ui',
  'disable_mlock',
  'api_addr',
  'cluster_name',
  'log_level',
  'log_format',
  'pid_file',
  'disable_cache',
  'plugin_directory',
]);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Parses config text.
 * @param file used in error messages and to resolve nothing else (relative storage paths
 *   are relative to the working directory, as in Vault).
 * @throws ConfigError with `file:line:column: message`.
 */
export function parseServerConfig(text: string, file = 'config.hcl'): ServerConfig {
  let root: HclObject;
  try {
    root = parseHcl(text);
  } catch (e) {
    if (e instanceof HclError) throw new ConfigError(`${file}:${e.line}:${e.column}: ${e.msg}`);
    throw e;
  }
  const at = (i: { pos: { line: number; column: number } }) => `${file}:${i.pos.line}:${i.pos.column}`;
  const fail = (i: HclItem, msg: string): never => {
    throw new ConfigError(`${at(i)}: ${msg}`);
  };
  const str = (i: HclItem, v: HclValue | undefined, what: string): string => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return fail(i, `${what} must be a string`);
  };
  const field = (o: HclObject, key: string) => o.items.find((x) => x.key === key);
  const warnings: string[] = [];
  let storage: ServerConfig['storage'] | undefined;
  let address: string | undefined;
  let clusterAddr: string | undefined;
  const out: Partial<ServerConfig> = {};

  for (const item of root.items) {
    switch (item.key) {
      case 'storage':
      case 'backend': {
        if (storage) fail(item, 'only one storage stanza is allowed');
        const type = item.labels[0];
        if (!type || !isObject(item.value)) fail(item, 'expected storage "<type>" { … }');
        const body = item.value as HclObject;
        if (type === 'file') {
          const p = field(body, 'path');
          if (!p) fail(item, 'storage "file" needs a path, e.g. path = "./vault-data"');
          storage = { kind: 'file', path: path.resolve(str(p!, p!.value, 'path')) };
        } else if (type === 'raft') {
          const p = field(body, 'path');
          const raftPath = p ? str(p, p.value, 'path') : process.env.VAULT_RAFT_PATH;
          if (!raftPath) fail(item, "'path' must be set");
          const n = field(body, 'node_id');
          const nodeId = n ? str(n, n.value, 'node_id') : process.env.VAULT_RAFT_NODE_ID || undefined;
          for (const x of body.items)
            if (!['path', 'node_id'].includes(x.key)) warnings.push(`${at(x)}: raft option "${x.key}" is ignored`);
          storage = { kind: 'raft', path: path.resolve(raftPath!), nodeId, clusterAddr: '' };
        } else if (type === 'inmem') {
          storage = { kind: 'memory' };
        } else {
          fail(item, `storage type "${type}" is not available in vault-lab; use storage "raft", "file" or "inmem"`);
        }
        break;
      }
      case 'listener': {
        if (address) fail(item, 'only one listener is supported');
        const type = item.labels[0];
        if (type !== 'tcp' || !isObject(item.value))
          fail(item, 'expected listener "tcp" { address = "127.0.0.1:8200" }');
        const body = item.value as HclObject;
        const a = field(body, 'address');
        const addr = a ? str(a, a.value, 'address') : '127.0.0.1:8200';
        const host = /^\[?([^\]]*?)\]?:\d+$/.exec(addr)?.[1];
        if (host === undefined) fail(a ?? item, `address "${addr}" must be host:port`);
        if (!LOOPBACK.has(host!))
          fail(a ?? item, `address "${addr}": vault-lab listens on loopback only; use 127.0.0.1:<port>`);
        const tls = field(body, 'tls_disable');
        const tlsOff = tls ? ['true', '1'].includes(String(tls.value)) : false;
        if (!tlsOff)
          fail(tls ?? item, 'TLS is not available in vault-lab: add tls_disable = true (or "1") to the listener');
        for (const x of body.items)
          if (!['address', 'tls_disable', 'cluster_address'].includes(x.key))
            warnings.push(`${at(x)}: listener option "${x.key}" is ignored`);
        address = addr;
        break;
      }
      case 'default_lease_ttl':
      case 'max_lease_ttl': {
        const v = str(item, item.value, item.key);
        let secs: number;
        try {
          secs = /^\d+$/.test(v) ? Number(v) : parseDuration(v);
        } catch {
          return fail(item, `${item.key}: "${v}" is not a duration (e.g. "1h", "768h")`);
        }
        if (item.key === 'default_lease_ttl') out.defaultLeaseTTL = secs;
        else out.maxLeaseTTL = secs;
        break;
      }
      case 'cluster_addr':
        clusterAddr = str(item, item.value, 'cluster_addr');
        break;
      case 'seal':
        fail(
          item,
          'auto-unseal seals are not available in vault-lab: remove the seal stanza to use Shamir unseal keys',
        );
        break;
      default:
        if (IGNORED.has(item.key)) warnings.push(`${at(item)}: "${item.key}" is accepted and ignored`);
        else fail(item, `unknown configuration key "${item.key}"`);
    }
  }
  if (!storage)
    throw new ConfigError(`${file}: a storage stanza is required, e.g. storage "file" { path = "./vault-data" }`);
  if (storage.kind === 'raft') {
    if (!clusterAddr) throw new ConfigError(`${file}: Cluster address must be set when using raft storage`);
    storage.clusterAddr = clusterAddr;
  }
  if (out.defaultLeaseTTL && out.maxLeaseTTL && out.defaultLeaseTTL > out.maxLeaseTTL) {
    throw new ConfigError(`${file}: default_lease_ttl cannot be greater than max_lease_ttl`);
  }
  return {
    storage,
    address: address ?? '127.0.0.1:8200',
    defaultLeaseTTL: out.defaultLeaseTTL,
    maxLeaseTTL: out.maxLeaseTTL,
    warnings,
  };
}

/** Reads and parses a config file. @throws ConfigError */
export function loadServerConfig(file: string): ServerConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `error loading configuration from ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
    );
  }
  return parseServerConfig(text, file);
}
