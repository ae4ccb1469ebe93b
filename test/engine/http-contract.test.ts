/**
 * The HTTP layer as real clients see it: verbs, headers, the envelope, statuses and
 * Vault's error texts, request limits and path normalisation. node-vault and raw HTTP.
 */
import nodeHttp from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { ListMethodRewriter } from '../../engine/http/list-method.js';
import { devEngine, http, nodeVault } from '../support/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await devEngine();
  await http(engine, 'POST', 'secret/data/app/one', { body: { data: { a: '1' } } });
  await http(engine, 'POST', 'secret/data/app/two', { body: { data: { b: '2' } } });
});
afterAll(async () => {
  await engine.stop();
});

/** node:http without any client-side URL cleaning, keep-alive off. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<{ status: number; body: any; headers: nodeHttp.IncomingHttpHeaders }> {
  const u = new URL(engine.url);
  return new Promise((resolve, reject) => {
    const r = nodeHttp.request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        agent: false,
        headers: { 'X-Vault-Token': engine.rootToken, ...headers },
      },
      (resp) => {
        let b = '';
        resp.on('data', (c) => (b += c));
        resp.on('end', () => {
          let j: any = b;
          try {
            j = b ? JSON.parse(b) : null;
          } catch {
            /* raw */
          }
          resolve({ status: resp.statusCode!, body: j, headers: resp.headers });
        });
      },
    );
    r.on('error', reject);
    if (body !== undefined) r.write(body);
    r.end();
  });
}

const MULTI_DENIED = '1 error occurred:\n\t* permission denied\n\n';

describe('verbs', () => {
  it('LIST, GET ?list=true and node-vault list() give the same keys; bad list values are 400 []', async () => {
    const viaList = await raw('LIST', '/v1/secret/metadata/app');
    expect(viaList.status).toBe(200);
    expect(viaList.body.data.keys).toEqual(['one', 'two']);
    const viaGet = await http(engine, 'GET', 'secret/metadata/app?list=true');
    expect(viaGet.body.data.keys).toEqual(['one', 'two']);
    const viaGet1 = await http(engine, 'GET', 'secret/metadata/app/?list=1');
    expect(viaGet1.body.data.keys).toEqual(['one', 'two']);
    expect((await nodeVault(engine).list('secret/metadata/app')).data.keys).toEqual(['one', 'two']);
    const bad = await http(engine, 'GET', 'secret/metadata/app?list=maybe');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ errors: [] });
  });

  it('an empty list is 404 with an empty errors array', async () => {
    const r = await raw('LIST', '/v1/secret/metadata/nothing');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ errors: [] });
  });

  it('POST and PUT are synonyms; DELETE answers 204 with no body', async () => {
    const put = await http(engine, 'PUT', 'secret/data/verbs', { body: { data: { x: 'y' } } });
    expect(put.status).toBe(200);
    expect(put.body.data.version).toBe(1);
    const post = await http(engine, 'POST', 'secret/data/verbs', { body: { data: { x: 'z' } } });
    expect(post.body.data.version).toBe(2);
    const del = await raw('DELETE', '/v1/secret/data/verbs');
    expect(del.status).toBe(204);
    expect(del.body).toBeNull();
  });

  it('LIST works on a keep-alive connection between other verbs, pipelined, and with a body', async () => {
    const u = new URL(engine.url);
    const sock = net.connect(Number(u.port), u.hostname);
    await new Promise((r) => sock.once('connect', r));
    let buf = Buffer.alloc(0);
    const waiters: Array<() => void> = [];
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      waiters.splice(0).forEach((w) => w());
    });
    /** Reads `n` whole responses (all carry Content-Length or none). */
    const read = async (n: number) => {
      const out: Array<{ status: number; body: any }> = [];
      while (out.length < n) {
        const end = buf.indexOf('\r\n\r\n');
        const head = end === -1 ? '' : buf.toString('latin1', 0, end);
        const len = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (end === -1 || buf.length < end + 4 + len) {
          await new Promise<void>((r) => waiters.push(r));
          continue;
        }
        const body = buf.toString('utf8', end + 4, end + 4 + len);
        out.push({ status: Number(head.slice(9, 12)), body: body ? JSON.parse(body) : null });
        buf = buf.subarray(end + 4 + len);
      }
      return out;
    };
    const req = (method: string, path: string, body?: string) =>
      `${method} ${path} HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${engine.rootToken}\r\n${body === undefined ? '' : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`}\r\n${body ?? ''}`;
    try {
      sock.write(req('GET', '/v1/secret/data/app/one'));
      expect((await read(1))[0].body.data.data).toEqual({ a: '1' });
      sock.write(req('LIST', '/v1/secret/metadata/app'));
      expect((await read(1))[0].body.data.keys).toEqual(['one', 'two']);
      // After the move onto the rewriter: other verbs, a LIST with a body, and pipelining.
      sock.write(req('POST', '/v1/secret/data/keepalive/three', JSON.stringify({ data: { c: '3' } })));
      expect((await read(1))[0].status).toBe(200);
      sock.write(
        req('LIST', '/v1/secret/metadata/keepalive', '{}') +
          req('GET', '/v1/secret/data/keepalive/three') +
          req('LIST', '/v1/secret/metadata/'),
      );
      const [l, g, top] = await read(3);
      expect(l.body.data.keys).toEqual(['three']);
      expect(g.body.data.data).toEqual({ c: '3' });
      expect(top.body.data.keys).toContain('app/');
    } finally {
      sock.destroy();
    }

    // A GET and a LIST pipelined in one write on a fresh connection: answered in order.
    const s2 = net.connect(Number(u.port), u.hostname);
    const got = await new Promise<string>((resolve) => {
      let text = '';
      s2.on('data', (d) => {
        text += d;
        if ((text.match(/HTTP\/1\.1 200/g) ?? []).length === 2 && text.endsWith('}')) resolve(text);
      });
      s2.write(req('GET', '/v1/secret/data/app/one') + req('LIST', '/v1/secret/metadata/app'));
    });
    s2.destroy();
    expect(got.indexOf('"a":"1"')).toBeLessThan(got.indexOf('"keys"'));

    // The method split across reads at every point: the parser has taken `L` or `LI` already.
    const wire = Buffer.from(req('LIST', '/v1/secret/metadata/app'));
    for (const split of [1, 2, 3, 4, 5]) {
      const s = net.connect(Number(u.port), u.hostname);
      s.setNoDelay(true);
      await new Promise((r) => s.once('connect', r));
      const text = new Promise<string>((resolve) => {
        let t = '';
        s.on('data', (d) => {
          t += d;
          if (t.endsWith('}')) resolve(t);
        });
      });
      s.write(wire.subarray(0, split));
      await new Promise((r) => setTimeout(r, 20));
      s.write(wire.subarray(split));
      expect(await text, `split after ${split} bytes`).toContain('"keys":["one","two"]');
      s.destroy();
    }

    // Any other method node's parser does not know is still 400 and closes the connection.
    const s3 = net.connect(Number(u.port), u.hostname);
    const bad = await new Promise<string>((resolve) => {
      let t = '';
      s3.on('data', (d) => (t += d));
      s3.on('close', () => resolve(t));
      s3.write('FROB /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    expect(bad).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('a real LINK never lists: 405 with an empty errors array, as Vault answers a method it does not serve', async () => {
    const link = await raw('LINK', '/v1/secret/metadata/app');
    expect(link.status).toBe(405);
    expect(link.body).toEqual({ errors: [] });

    const u = new URL(engine.url);
    const req = (method: string, path: string, extra = '') =>
      `${method} ${path} HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${engine.rootToken}\r\n${extra}\r\n`;
    /** Writes `parts` to a fresh connection (a pause between them) and reads until the server closes it. */
    const exchange = (parts: Array<string | Buffer>) =>
      new Promise<string>((resolve, reject) => {
        const s = net.connect(Number(u.port), u.hostname, async () => {
          s.setNoDelay(true);
          for (const [i, p] of parts.entries()) {
            if (i > 0) await new Promise((r) => setTimeout(r, 20));
            s.write(p);
          }
        });
        let t = '';
        s.on('data', (d) => (t += d));
        s.on('end', () => resolve(t));
        s.on('error', reject);
      });
    const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);

    // Pipelined among LISTs on one connection, and after an Expect the server refuses (417).
    const mixed = await exchange([
      req('LIST', '/v1/secret/metadata/app') +
        req('LINK', '/v1/secret/metadata/app') +
        req('LIST', '/v1/secret/metadata/app', 'Expect: nothing\r\n') +
        req('LINK', '/v1/secret/metadata/app') +
        req('LIST', '/v1/secret/metadata/app', 'Connection: close\r\n'),
    ]);
    expect(statuses(mixed)).toEqual(['200', '405', '417', '405', '200']);
    expect(mixed.match(/"keys":\["one","two"\]/g)).toHaveLength(2);

    // Split across reads at every point of the method, after a LIST on the same connection.
    for (const split of [1, 2, 3, 4, 5]) {
      const wire = Buffer.from(req('LINK', '/v1/secret/metadata/app', 'Connection: close\r\n'));
      const text = await exchange([
        req('LIST', '/v1/secret/metadata/app'),
        wire.subarray(0, split),
        wire.subarray(split),
      ]);
      expect(statuses(text), `split after ${split} bytes`).toEqual(['200', '405']);
    }
    // Methods that only start like LIST are still node's 400, whole or split.
    for (const [method, split] of [
      ['LISK', 5],
      ['LISK', 3],
      ['LISTS', 4],
      ['LIS', 3],
    ] as const) {
      const wire = Buffer.from(req(method, '/v1/secret/metadata/app'));
      const text = await exchange([wire.subarray(0, split), wire.subarray(split)]);
      expect(text, `${method} split after ${split}`).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    }
  });

  it('unknown verbs are 405 with an empty errors array; operations a path lacks are 405 multierror', async () => {
    const opt = await raw('OPTIONS', '/v1/secret/data/app/one');
    expect(opt.status).toBe(405);
    expect(opt.body).toEqual({ errors: [] });
    const del = await http(engine, 'DELETE', 'sys/health');
    expect(del.status).toBe(405);
    expect(del.body.errors).toEqual(['1 error occurred:\n\t* unsupported operation\n\n']);
  });

  it('PATCH needs application/merge-patch+json (415 otherwise)', async () => {
    const r = await http(engine, 'PATCH', 'secret/data/app/one', {
      body: { data: { a: '2' } },
      headers: { 'Content-Type': 'application/json' },
    });
    expect(r.status).toBe(415);
    expect(r.body.errors).toEqual([
      'PATCH requires Content-Type of application/merge-patch+json, provided application/json',
    ]);
  });

  it('a body may be empty, null or an object; other JSON is 400', async () => {
    expect((await http(engine, 'POST', 'sys/capabilities-self', { raw: 'null' })).body.errors).toEqual([
      'paths must be supplied',
    ]);
    expect((await http(engine, 'POST', 'sys/capabilities-self', { raw: '' })).body.errors).toEqual([
      'paths must be supplied',
    ]);
    const arr = await http(engine, 'POST', 'sys/capabilities-self', { raw: '[1,2]' });
    expect(arr.status).toBe(400);
    expect(arr.body.errors[0]).toMatch(/^failed to parse JSON input: /);
  });

  it('writing to a path ending in / is 400', async () => {
    const r = await http(engine, 'POST', 'secret/data/dir/', { body: { data: { a: 1 } } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual(["cannot write to a path ending in '/'"]);
  });
});

describe('headers', () => {
  it('accepts Authorization: Bearer and ignores X-Vault-Request', async () => {
    const r = await raw('GET', '/v1/auth/token/lookup-self', {
      'X-Vault-Token': '',
      Authorization: `Bearer ${engine.rootToken}`,
      'X-Vault-Request': 'true',
    });
    expect(r.status).toBe(200);
    expect(r.body.data.policies).toEqual(['root']);
  });

  it('a non-root namespace is 403 namespaces feature not enabled', async () => {
    const r = await raw('GET', '/v1/sys/mounts', { 'X-Vault-Namespace': 'team-a' });
    expect(r.status).toBe(403);
    expect(r.body.errors).toEqual(['namespaces feature not enabled']);
  });

  it('error responses are JSON', async () => {
    const r = await raw('GET', '/v1/secret/data/none');
    expect(r.headers['content-type']).toBe('application/json');
  });
});

describe('envelope', () => {
  it('carries every key, with mount_type of the serving mount', async () => {
    const r = await http(engine, 'GET', 'secret/data/app/one');
    expect(Object.keys(r.body).sort()).toEqual([
      'auth',
      'data',
      'lease_duration',
      'lease_id',
      'mount_type',
      'renewable',
      'request_id',
      'warnings',
      'wrap_info',
    ]);
    expect(r.body.mount_type).toBe('kv');
    expect(r.body.request_id).toMatch(/^[0-9a-f-]{36}$/);
    const t = await http(engine, 'GET', 'auth/token/lookup-self');
    expect(t.body.mount_type).toBe('token');
    const s = await http(engine, 'GET', 'sys/policies/acl?list=true');
    expect(s.body.mount_type).toBe('system');
  });

  it('sys/mounts, sys/auth, sys/policy and sys/capabilities-self copy data to the top level; sys/policies/acl does not', async () => {
    const m = await http(engine, 'GET', 'sys/mounts');
    expect(m.body['secret/'].type).toBe('kv');
    expect(m.body.data['secret/'].type).toBe('kv');
    const a = await http(engine, 'GET', 'sys/auth');
    expect(a.body['token/'].type).toBe('token');
    const p = await http(engine, 'GET', 'sys/policy');
    expect(p.body.policies).toContain('root');
    const c = await http(engine, 'POST', 'sys/capabilities-self', { body: { paths: ['secret/data/x'] } });
    expect(c.body.capabilities).toEqual(['root']);
    const acl = await http(engine, 'GET', 'sys/policies/acl/default');
    expect(acl.body.policy).toBeUndefined();
    expect(acl.body.data.name).toBe('default');
  });

  it('sys/health is a bare object; HEAD has no body', async () => {
    const h = await http(engine, 'GET', 'sys/health', { token: null });
    expect(h.body.initialized).toBe(true);
    expect(h.body.request_id).toBeUndefined();
    const head = await raw('HEAD', '/v1/sys/health');
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
  });
});

describe('errors and statuses', () => {
  it('no token: 403 bare permission denied; bad token: 403 multierror with invalid token', async () => {
    const none = await http(engine, 'GET', 'secret/data/app/one', { token: null });
    expect(none.status).toBe(403);
    expect(none.body.errors).toEqual(['permission denied']);
    const bad = await http(engine, 'GET', 'secret/data/app/one', { token: 'hvs.nope' });
    expect(bad.status).toBe(403);
    expect(bad.body.errors).toEqual(['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n']);
    await expect(nodeVault(engine, 'hvs.nope').read('secret/data/app/one')).rejects.toThrow(/permission denied/);
  });

  it('ACL denial is 403 in multierror form, for every capability not granted', async () => {
    await http(engine, 'PUT', 'sys/policies/acl/only-read', {
      body: {
        policy:
          'path "secret/data/app/*" { capabilities = ["read"] }\npath "secret/metadata/app/*" { capabilities = ["read"] }',
      },
    });
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['only-read'] } })).body.auth
      .client_token;
    expect((await http(engine, 'GET', 'secret/data/app/one', { token: t })).status).toBe(200);
    const attempts: Array<[string, string, unknown?]> = [
      ['POST', 'secret/data/app/one', { data: { a: 'b' } }], // update
      ['POST', 'secret/data/app/new', { data: { a: 'b' } }], // create
      ['DELETE', 'secret/data/app/one'],
      ['LIST', 'secret/metadata/app'],
      ['DELETE', 'secret/metadata/app/one'],
    ];
    for (const [m, p, b] of attempts) {
      const r =
        m === 'LIST'
          ? await raw('LIST', `/v1/${p}`, { 'X-Vault-Token': t })
          : await http(engine, m, p, { token: t, body: b });
      expect(r.status, `${m} ${p}`).toBe(403);
      expect(r.body.errors).toEqual([MULTI_DENIED]);
    }
    const patch = await http(engine, 'PATCH', 'secret/data/app/one', {
      token: t,
      body: { data: { a: 'c' } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(patch.status).toBe(403);
  });

  it('unknown mount: 404 no handler for route (root), 403 for others; unknown path in a mount: 404 unsupported path', async () => {
    const root = await http(engine, 'GET', 'nowhere/at/all');
    expect(root.status).toBe(404);
    expect(root.body.errors).toEqual(['no handler for route "nowhere/at/all". route entry not found.']);
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'] } })).body.auth
      .client_token;
    expect((await http(engine, 'GET', 'nowhere/at/all', { token: t })).status).toBe(403);
    const unsupported = await http(engine, 'GET', 'auth/token/not-a-thing');
    expect(unsupported.status).toBe(404);
    expect(unsupported.body.errors).toEqual(['1 error occurred:\n\t* unsupported path\n\n']);
  });

  it("field conversion errors are 400 with Vault's wording", async () => {
    const r = await http(engine, 'POST', 'auth/token/create', { body: { ttl: 'forever' } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatch(/^Field validation failed: error converting input forever for field "ttl": /);
  });

  it('malformed JSON is 400; nesting deeper than 500 is 400', async () => {
    const bad = await raw('POST', '/v1/secret/data/x', { 'Content-Type': 'application/json' }, '{"data": ');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatch(/^failed to parse JSON input: /);
    const deep = await raw('POST', '/v1/secret/data/x', {}, '{"a":'.repeat(501) + '1' + '}'.repeat(501));
    expect(deep.status).toBe(400);
    expect(deep.body.errors).toEqual(['failed to parse JSON input: exceeded max depth of 500']);
    const ok = await raw(
      'POST',
      '/v1/sys/wrapping/wrap',
      { 'X-Vault-Wrap-TTL': '1m' },
      '{"a":'.repeat(100) + '1' + '}'.repeat(100),
    );
    expect(ok.status).toBe(200);
  });

  it('a body over 32 MiB is refused with 413 from its Content-Length, before it is read', async () => {
    const u = new URL(engine.url);
    const status = await new Promise<number>((resolve, reject) => {
      const r = nodeHttp.request(
        {
          host: u.hostname,
          port: u.port,
          method: 'POST',
          path: '/v1/secret/data/big',
          agent: false,
          headers: { 'X-Vault-Token': engine.rootToken, 'Content-Length': String(33 * 1024 * 1024) },
        },
        (resp) => {
          resp.resume();
          resolve(resp.statusCode!);
        },
      );
      r.on('error', reject);
      r.write('{"data":'); // the rest is never sent: the answer must not wait for it
    });
    expect(status).toBe(413);
  });

  it('a chunked body that grows past 32 MiB is cut off with 413', async () => {
    const u = new URL(engine.url);
    const status = await new Promise<number>((resolve) => {
      const r = nodeHttp.request(
        {
          host: u.hostname,
          port: u.port,
          method: 'POST',
          path: '/v1/secret/data/big',
          agent: false,
          headers: { 'X-Vault-Token': engine.rootToken },
        },
        (resp) => {
          resp.resume();
          resolve(resp.statusCode!);
        },
      );
      r.on('error', () => undefined);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 34; i++) r.write(chunk);
      r.end();
    });
    expect(status).toBe(413);
  });
});

describe('path normalisation', () => {
  it('rejects . and .. segments, also percent-encoded, before the ACL sees them', async () => {
    await http(engine, 'PUT', 'sys/policies/acl/app-only', {
      body: { policy: 'path "secret/data/app/*" { capabilities = ["read"] }' },
    });
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['app-only'] } })).body.auth
      .client_token;
    const seen: any[] = [];
    const on = (e: any) => seen.push(e);
    engine.events.on('audit', on);
    for (const p of [
      '/v1/secret/data/app/../../../sys/mounts',
      '/v1/secret/data/app/%2e%2e/%2E%2E/x',
      '/v1/secret/data/app/./one',
      '/v1/secret/data/app/%2e/one',
      '/v1/secret/data/app/..%2f..%2fsys',
    ]) {
      const r = await raw('GET', p, { 'X-Vault-Token': t });
      expect(r.status, p).toBe(400);
      expect(r.body.errors[0]).toMatch(/^invalid request path/);
    }
    engine.events.off('audit', on);
    expect(seen.filter((e) => e.decision)).toEqual([]);
  });

  it('a leading slash after /v1/ is tolerated', async () => {
    const r = await raw('GET', '/v1//secret/data/app/one');
    expect(r.status).toBe(200);
  });

  it('paths outside /v1/ are 404', async () => {
    const r = await raw('GET', '/v2/secret/data/app/one');
    expect(r.status).toBe(404);
  });
});

describe('help from the declarations', () => {
  it('?help=1 returns help and an OpenAPI fragment built from the path declaration', async () => {
    const r = await http(engine, 'GET', 'auth/token/create?help=1');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['help', 'openapi']);
    expect(r.body.help).toContain('The token create path is used to create new tokens.');
    expect(r.body.help).toContain('explicit_max_ttl (duration)');
    expect(r.body.openapi.paths['/auth/token/create'].post).toBeDefined();
    const mountRoot = await http(engine, 'GET', 'secret/?help=1');
    expect(mountRoot.body.help).toBe('This backend provides a versioned key-value store.');
  });

  it('help needs a valid token but no capability', async () => {
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'] } })).body.auth
      .client_token;
    expect((await http(engine, 'GET', 'secret/data/x?help=1', { token: t })).status).toBe(200);
    expect((await http(engine, 'GET', 'secret/data/x?help=1', { token: null })).status).toBe(403);
    expect((await nodeVault(engine, t).help('secret/data/x')).help).toContain('Key-Value');
  });
});

describe('LIST on the wire', () => {
  it('the rewriter gives the same bytes however the stream is cut, and tells a LIST from a real LINK', () => {
    const h = 'Host: x\r\n';
    const body = 'x\r\nLIST /v1/a HTTP/1.1\r\n\r\n';
    const chunk = 'LIST /v1/b HTTP/1.1\r\n\r\n';
    const wire =
      `\r\nLIST /v1/secret/metadata/ HTTP/1.1\r\n${h}\r\n` +
      `POST /v1/secret/data/x HTTP/1.1\r\n${h}content-LENGTH: ${body.length}\r\n\r\n${body}` +
      `LINK /v1/secret/metadata/ HTTP/1.1\r\n${h}\r\n` +
      `PUT /v1/secret/data/y HTTP/1.1\r\n${h}Transfer-Encoding: chunked\r\n\r\n` +
      `${chunk.length.toString(16)};ext=1\r\n${chunk}\r\n0\r\nX-Trailer: LIST\r\n\r\n` +
      `LIST /v1/secret/metadata/z HTTP/1.1\r\n${h}\r\n`;
    const expected = wire
      .replace(/^\r\nLIST/, '\r\nLINK')
      .replace(/\nLIST \/v1\/secret\/metadata\/z/, '\nLINK /v1/secret/metadata/z');
    const run = (cuts: number[]) => {
      const rw = new ListMethodRewriter();
      const bytes = Buffer.from(wire, 'latin1');
      let from = 0;
      for (const to of [...cuts, bytes.length]) {
        rw.push(bytes.subarray(from, to));
        from = to;
      }
      return {
        text: bytes.toString('latin1'),
        flags: [rw.takeWasList(), rw.takeWasList(), rw.takeWasList(), rw.takeWasList()],
      };
    };
    for (let cut = 0; cut <= wire.length; cut++) {
      expect(run([cut]), `cut at ${cut}`).toEqual({ text: expected, flags: [true, false, true, false] });
    }
    expect(run(Array.from({ length: wire.length }, (_, i) => i))).toEqual({
      text: expected,
      flags: [true, false, true, false],
    });
  });

  it('pipelined requests: LIST is rewritten only in request lines, never inside bodies (plain or chunked)', async () => {
    const net = await import('node:net');
    const u = new URL(engine.url);
    const tokenHdr = `X-Vault-Token: ${engine.rootToken}\r\nHost: x\r\n`;
    const body = JSON.stringify({ data: { note: 'LIST /v1/secret/metadata/ HTTP/1.1' } });
    const chunkBody = JSON.stringify({ data: { note: 'LIST in a chunk' } });
    const wire =
      `LIST /v1/secret/metadata/app HTTP/1.1\r\n${tokenHdr}\r\n` +
      `POST /v1/secret/data/wire HTTP/1.1\r\n${tokenHdr}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` +
      `POST /v1/secret/data/wire2 HTTP/1.1\r\n${tokenHdr}Transfer-Encoding: chunked\r\n\r\n${chunkBody.length.toString(16)}\r\n${chunkBody}\r\n0\r\n\r\n` +
      `LIST /v1/secret/metadata/ HTTP/1.1\r\n${tokenHdr}Connection: close\r\n\r\n`;
    const text = await new Promise<string>((resolve, reject) => {
      const s = net.connect(Number(u.port), u.hostname, () => {
        // Byte by byte for the first request, to cross every chunk boundary the rewriter handles.
        const bytes = Buffer.from(wire);
        for (let i = 0; i < 60; i++) s.write(bytes.subarray(i, i + 1));
        s.write(bytes.subarray(60));
      });
      let out = '';
      s.on('data', (c) => (out += c));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '200', '200', '200']);
    expect(text).toContain('"keys":["one","two"]');
    const r = await http(engine, 'GET', 'secret/data/wire');
    expect(r.body.data.data.note).toBe('LIST /v1/secret/metadata/ HTTP/1.1');
    expect((await http(engine, 'GET', 'secret/data/wire2')).body.data.data.note).toBe('LIST in a chunk');
  });
});
