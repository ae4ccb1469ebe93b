/**
 * The CLI's pure pieces, without a server: Vault's flag syntax, Go-style cells and
 * banners, word wrapping, policy formatting, path rewriting, hints and the policy
 * -output-policy prints.
 */
import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError, GLOBAL_FLAGS, OUTPUT_FLAGS } from '../../cli/flags.js';
import { banner, cell, goValue, humanSeconds, secretShape, wrapAtLength, toYaml } from '../../cli/format.js';
import { formatHcl } from '../../cli/commands/policy/fmt.js';
import { addPrefix } from '../../cli/commands/kv/common.js';
import { hintFor } from '../../cli/hints.js';
import { CaptureSignal, policyString } from '../../cli/api/capture.js';
import { goTime } from '../../cli/command.js';
import { parsePolicy } from '../../engine/index.js';

const specs = {
  ...GLOBAL_FLAGS,
  ...OUTPUT_FLAGS,
  cas: { kind: 'int' as const, default: -1 },
  policy: { kind: 'strings' as const },
  force: { kind: 'bool' as const, aliases: ['f'] },
  ttl: { kind: 'duration' as const },
  metadata: { kind: 'map' as const },
};

describe('flags', () => {
  it('takes -flag=value, -flag value, --flag and aliases, before the arguments', () => {
    const p = parseFlags(
      ['-cas=2', '--format', 'json', '-f', '-policy=a,b', '-policy', 'c', '-metadata=k=v', 'secret/x', 'a=b'],
      specs,
      {},
    );
    expect(p.flags.cas).toBe(2);
    expect(p.flags.format).toBe('json');
    expect(p.flags.force).toBe(true);
    expect(p.flags.policy).toEqual(['a', 'b', 'c']);
    expect(p.flags.metadata).toEqual({ k: 'v' });
    expect(p.args).toEqual(['secret/x', 'a=b']);
    expect(p.warnings).toEqual([]);
  });

  it('parses global flags after the arguments and warns about any other dash-argument there', () => {
    const p = parseFlags(['secret/x', '-format=yaml', '-cas=1', '-'], specs, {});
    expect(p.flags.format).toBe('yaml');
    expect(p.flags.cas).toBe(-1);
    expect(p.args).toEqual(['secret/x', '-cas=1', '-']);
    expect(p.warnings[0]).toBe(
      'Command flags must be provided before positional arguments. The following arguments will not be parsed as flags: [-cas=1]',
    );
  });

  it('reads defaults from the environment and lets a flag override them', () => {
    expect(parseFlags([], specs, { VAULT_FORMAT: 'json', VAULT_ADDR: 'http://a:1' }).flags).toMatchObject({
      format: 'json',
      address: 'http://a:1',
    });
    expect(parseFlags(['-address=http://b:2'], specs, { VAULT_ADDR: 'http://a:1' }).flags.address).toBe('http://b:2');
  });

  it("rejects what Go's flag package rejects, with its words", () => {
    const err = (argv: string[]) => {
      try {
        parseFlags(argv, specs, {});
        return '';
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
    };
    expect(err(['-nope'])).toBe('flag provided but not defined: -nope');
    expect(err(['-cas=x'])).toBe('invalid value "x" for flag -cas: parse error');
    expect(err(['-ttl=soon'])).toBe('invalid value "soon" for flag -ttl: time: invalid duration "soon"');
    expect(err(['-force=maybe'])).toBe('invalid boolean value "maybe" for -force: parse error');
    expect(err(['-cas'])).toBe('flag needs an argument: -cas');
  });
});

describe('output helpers', () => {
  it('renders cells as Go does: n/a, <nil>, lists, maps, humanised TTLs for numbers only', () => {
    expect(cell('x', '')).toBe('n/a');
    expect(cell('x', null)).toBe('<nil>');
    expect(cell('x', ['a', 'b'])).toBe('[a b]');
    expect(cell('x', { b: 1, a: 'z' })).toBe('map[a:z b:1]');
    expect(cell('token_ttl', 5400)).toBe('1h30m');
    expect(cell('ttl', '3600')).toBe('3600');
    expect(cell('lease_max', 60)).toBe('1m');
    expect(humanSeconds(0)).toBe('0s');
    expect(humanSeconds(2764800)).toBe('768h');
    expect(goValue(true)).toBe('true');
  });

  it('pads banners the way kv get does', () => {
    expect(banner('Secret Path', 'secret/data/creds'.length)).toBe('== Secret Path ==');
    expect(banner('Metadata', 'custom_metadata'.length + 9)).toBe('======= Metadata =======');
    expect(banner('Data', 'password'.length + 9)).toBe('====== Data ======');
    expect(banner('Data', 1 + 9)).toBe('== Data ==');
  });

  it('wraps warnings at 78 columns with their padding', () => {
    const w = wrapAtLength(`* ${'word '.repeat(30).trim()}`, 2);
    for (const line of w.split('\n')) {
      expect(line.length).toBeLessThanOrEqual(78);
      expect(line.startsWith('  ')).toBe(true);
    }
    expect(w.split('\n').length).toBeGreaterThan(1);
  });

  it('shapes JSON like api.Secret: field order, sorted maps, no empty auth or wrap_info', () => {
    const out = secretShape({
      auth: null,
      data: { b: 1, a: { d: 1, c: 2 } },
      lease_duration: 0,
      lease_id: '',
      mount_type: 'kv',
      renewable: false,
      request_id: 'r',
      warnings: null,
      wrap_info: null,
    });
    expect(Object.keys(out)).toEqual([
      'request_id',
      'lease_id',
      'lease_duration',
      'renewable',
      'data',
      'warnings',
      'mount_type',
    ]);
    expect(JSON.stringify(out.data)).toBe('{"a":{"c":2,"d":1},"b":1}');
  });

  it('quotes YAML strings only where YAML would misread them', () => {
    expect(toYaml({ v: '1.15.6', n: '5432', e: '', t: 'true', s: 'plain' })).toBe(
      'e: ""\n"n": "5432"\ns: plain\nt: "true"\nv: 1.15.6\n',
    );
  });

  it("prints wrap creation times as Go's time.String()", () => {
    expect(goTime('2024-03-07T20:34:02.005655610Z')).toBe('2024-03-07 20:34:02.00565561 +0000 UTC');
    expect(goTime('2024-03-07T20:34:02Z')).toBe('2024-03-07 20:34:02 +0000 UTC');
  });
});

describe('kv paths', () => {
  it('inserts the API prefix after the mount, as the CLI does for KV v2', () => {
    expect(addPrefix('secret/foo/bar', 'secret/', 'data')).toBe('secret/data/foo/bar');
    expect(addPrefix('secret', 'secret/', 'metadata')).toBe('secret/metadata');
    expect(addPrefix('team/a/x', 'team/a/', 'destroy')).toBe('team/a/destroy/x');
  });
});

describe('policy fmt', () => {
  it('re-indents and spaces a policy and keeps it equivalent', () => {
    const src =
      'path "secret/data/*"{\ncapabilities=["read","list"]\n}\n\n\n# comment\npath "x" {\n      capabilities = [ "deny" ]\n}\n';
    const out = formatHcl(src);
    expect(out).toBe(
      'path "secret/data/*" {\n  capabilities = ["read", "list"]\n}\n\n# comment\npath "x" {\n  capabilities = ["deny"]\n}\n',
    );
    expect(parsePolicy('a', out).rules.map((r) => [r.path, r.capabilities])).toEqual(
      parsePolicy('b', src).rules.map((r) => [r.path, r.capabilities]),
    );
  });
});

describe('hints and -output-policy', () => {
  it('names the right command for ones tutorials invent', () => {
    expect(hintFor(['kv', 'metadata', 'destroy', 'shared/ca'])).toContain('vault kv metadata delete shared/ca');
    expect(
      hintFor(['secrets', 'tune', '-cas-required=true', 'team-alpha'], 'flag provided but not defined: -cas-required'),
    ).toContain('vault write team-alpha/config cas_required=true');
    expect(hintFor(['read', '-token=x', 'a'], 'flag provided but not defined: -token')).toContain('VAULT_TOKEN');
    expect(hintFor(['kv', 'get', 'secret/x'])).toBeUndefined();
  });

  it('prints the capabilities a request needs, with sudo on root-protected paths', () => {
    const sig = (method: string, p: string, extra: string[] = []) =>
      new CaptureSignal(method, `http://h/v1/${p}`, p.replace(/\?.*/, ''), undefined, {}, extra);
    expect(policyString(sig('GET', 'secret/data/a'))).toBe('path "secret/data/a" {\n  capabilities = ["read"]\n}\n');
    expect(policyString(sig('GET', 'secret/metadata/a?list=true'))).toContain(
      'path "secret/metadata/a/" {\n  capabilities = ["list"]',
    );
    expect(policyString(sig('PUT', 'secret/data/a', ['read']))).toContain('["create", "read", "update"]');
    expect(policyString(sig('POST', 'sys/auth/userpass'))).toContain('["create", "update", "sudo"]');
    expect(policyString(sig('PUT', 'sys/leases/revoke-prefix/db/creds'))).toContain('"sudo"');
    expect(policyString(sig('POST', 'sys/mounts/kv'))).not.toContain('sudo');
  });
});
