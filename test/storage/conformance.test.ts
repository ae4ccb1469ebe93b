/**
 * One storage contract, run against every implementation behind `Storage`: memory,
 * file, and the encrypting barrier over each. Whatever the engine relies on (exact
 * reads, folder-style listing, deletes, snapshots) must hold for all of them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { StorageView, type Storage } from '../../engine/sdk/storage.js';
import { MemoryStorage } from '../../engine/physical/memory.js';
import { FileStorage } from '../../engine/physical/file.js';
import { BarrierStorage, Keyring } from '../../engine/physical/barrier.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-storage-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const unsealed = (p: Storage) => {
  const b = new BarrierStorage(p);
  b.unseal(Keyring.fresh(Date.now()));
  return b;
};

const IMPLEMENTATIONS: Array<[string, () => Promise<Storage>]> = [
  ['memory', async () => new MemoryStorage()],
  ['file', async () => FileStorage.open(tmp())],
  ['file with read cache', async () => FileStorage.open(tmp(), { cache: 8 })],
  ['barrier over memory', async () => unsealed(new MemoryStorage())],
  ['barrier over file', async () => unsealed(await FileStorage.open(tmp()))],
];

const b = (s: string) => Buffer.from(s);

describe.each(IMPLEMENTATIONS)('Storage contract: %s', (_name, make) => {
  it('reads back exactly what was written, and undefined for a missing key', async () => {
    const s = await make();
    expect(await s.get('nope')).toBeUndefined();
    await s.put('a/b/c', b('one'));
    expect((await s.get('a/b/c'))?.toString()).toBe('one');
    await s.put('a/b/c', b('two'));
    expect((await s.get('a/b/c'))?.toString()).toBe('two');
    const bin = Buffer.from([0, 255, 10, 13, 0x7f, 0x80]);
    await s.put('bin', bin);
    expect((await s.get('bin'))?.equals(bin)).toBe(true);
    await s.put('empty', Buffer.alloc(0));
    expect((await s.get('empty'))?.length).toBe(0);
  });

  it('returns copies: mutating a returned buffer does not change storage', async () => {
    const s = await make();
    const v = b('value');
    await s.put('k', v);
    v.fill(0);
    const got = (await s.get('k'))!;
    expect(got.toString()).toBe('value');
    got.fill(0);
    expect((await s.get('k'))?.toString()).toBe('value');
  });

  it('lists immediate children, folders with a trailing slash, sorted', async () => {
    const s = await make();
    for (const k of ['x/b', 'x/a', 'x/sub/one', 'x/sub/deeper/two', 'y', 'x/c']) await s.put(k, b(k));
    expect(await s.list('x/')).toEqual(['a', 'b', 'c', 'sub/']);
    expect(await s.list('x/sub/')).toEqual(['deeper/', 'one']);
    expect(await s.list('')).toEqual(['x/', 'y']);
    expect(await s.list('missing/')).toEqual([]);
  });

  it('deletes; a folder whose entries are all deleted disappears from listings', async () => {
    const s = await make();
    await s.put('f/one', b('1'));
    await s.put('f/deep/two', b('2'));
    await s.put('g', b('3'));
    await s.delete('f/one');
    await s.delete('f/deep/two');
    await s.delete('f/never-existed');
    expect(await s.get('f/one')).toBeUndefined();
    expect(await s.list('')).toEqual(['g']);
    expect(await s.list('f/')).toEqual([]);
  });

  it('keeps keys with unusual characters apart and intact', async () => {
    const s = await make();
    const keys = [
      'sp ace',
      'uni/cödé',
      'pct/%41',
      'dots/a.b',
      'dots/.hidden',
      'dash/-',
      'under/_x',
      'long/' + 'L'.repeat(300),
      'q/?&=#',
      'colon/a:b',
    ];
    for (const k of keys) await s.put(k, b('v:' + k));
    for (const k of keys) expect((await s.get(k))?.toString()).toBe('v:' + k);
    expect(await s.list('dots/')).toEqual(['.hidden', 'a.b']);
    expect(await s.list('long/')).toEqual(['L'.repeat(300)]);
    expect(await s.list('pct/')).toEqual(['%41']);
  });

  it('snapshots every entry and restores to exactly that content', async () => {
    const s = await make();
    await s.put('a', b('1'));
    await s.put('d/e', b('2'));
    const snap = await s.entries();
    await s.put('a', b('changed'));
    await s.put('new/key', b('x'));
    await s.delete('d/e');
    await s.replaceAll(snap);
    expect((await s.get('a'))?.toString()).toBe('1');
    expect((await s.get('d/e'))?.toString()).toBe('2');
    expect(await s.get('new/key')).toBeUndefined();
    expect((await s.entries()).map(([k]) => k).sort()).toEqual(['a', 'd/e']);
  });

  it('orders concurrent writes to one key as they were issued', async () => {
    const s = await make();
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.put('race', b(String(i)))));
    expect((await s.get('race'))?.toString()).toBe('19');
  });

  it('never serves a value older than the last completed write, with reads racing writes', async () => {
    const s = await make();
    for (let round = 0; round < 5; round++) {
      const ops: Array<Promise<unknown>> = [];
      for (let i = 0; i < 10; i++) {
        ops.push(s.put('hot', b(`${round}-${i}`)));
        ops.push(s.get('hot'));
        if (i % 3 === 0) ops.push(s.get('other'));
      }
      await Promise.all(ops);
      expect((await s.get('hot'))?.toString()).toBe(`${round}-9`);
    }
    await s.delete('hot');
    expect(await s.get('hot')).toBeUndefined();
  });

  it('agrees with a model map over random operation sequences', async () => {
    const key = fc.constantFrom('a', 'b', 'a/x', 'a/y', 'b/z/w', 'c/d');
    const op = fc.oneof(
      fc.record({ t: fc.constant('put' as const), k: key, v: fc.string({ maxLength: 8 }) }),
      fc.record({ t: fc.constant('del' as const), k: key }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 15 }), async (ops) => {
        const s = await make();
        const model = new Map<string, string>();
        for (const o of ops) {
          if (o.t === 'put') {
            await s.put(o.k, b(o.v));
            model.set(o.k, o.v);
          } else {
            await s.delete(o.k);
            model.delete(o.k);
          }
        }
        for (const k of ['a', 'b', 'a/x', 'a/y', 'b/z/w', 'c/d'])
          expect((await s.get(k))?.toString()).toBe(model.get(k));
        const want = new Set<string>();
        for (const k of model.keys()) {
          const i = k.indexOf('/');
          want.add(i === -1 ? k : k.slice(0, i + 1));
        }
        expect(await s.list('')).toEqual([...want].sort());
      }),
      { numRuns: 15 },
    );
  });
});

describe('memory storage listing', () => {
  /** Listing by scanning every key: what the folder index must agree with. */
  const scan = (keys: Iterable<string>, prefix: string) => {
    const out = new Set<string>();
    for (const k of keys) {
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      const i = rest.indexOf('/');
      out.add(i === -1 ? rest : rest.slice(0, i + 1));
    }
    return [...out].sort();
  };

  it('agrees with a scan of every key for folders and partial prefixes, through puts, deletes and restores', async () => {
    const seg = fc.constantFrom('a', 'b', 'ab', '', 'x.y');
    const key = fc.array(seg, { minLength: 1, maxLength: 4 }).map((p) => p.join('/'));
    const op = fc.oneof(
      fc.record({ t: fc.constant('put' as const), k: key }),
      fc.record({ t: fc.constant('del' as const), k: key }),
      fc.record({ t: fc.constant('restore' as const), k: key }),
    );
    const prefix = fc
      .tuple(fc.array(seg, { maxLength: 3 }), fc.constantFrom('', 'a', 'b'))
      .map(([f, partial]) => (f.length ? f.join('/') + '/' : '') + partial);
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 40 }),
        fc.array(prefix, { minLength: 1, maxLength: 8 }),
        async (ops, prefixes) => {
          const s = new MemoryStorage();
          const model = new Set<string>();
          for (const o of ops) {
            if (o.t === 'put') {
              await s.put(o.k, b('v'));
              model.add(o.k);
            } else if (o.t === 'del') {
              await s.delete(o.k);
              model.delete(o.k);
            } else {
              await s.replaceAll([...model].filter((k) => k !== o.k).map((k) => [k, b('v')] as [string, Buffer]));
              model.delete(o.k);
            }
          }
          for (const p of ['', ...prefixes]) expect({ p, keys: await s.list(p) }).toEqual({ p, keys: scan(model, p) });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('JSON reads through a view', () => {
  it('give every reader its own copy, see each new write, and keep "__proto__" keys as data', async () => {
    for (const storage of [new MemoryStorage(), unsealed(new MemoryStorage())]) {
      const v = new StorageView(storage, 'p/');
      await v.putJSON('k', { a: { list: [1, { x: 'y' }] }, n: null, __proto__: null });
      await v.putJSON('evil', JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}'));
      const first = (await v.getJSON<any>('k'))!;
      first.a.list[1].x = 'changed';
      first.a.list.push(2);
      expect(await v.getJSON('k')).toEqual({ a: { list: [1, { x: 'y' }] }, n: null });
      await v.putJSON('k', { a: 'new' });
      expect(await v.getJSON('k')).toEqual({ a: 'new' });
      const evil = (await v.getJSON<any>('evil'))!;
      expect(Object.getPrototypeOf(evil)).toBe(Object.prototype);
      expect(Object.keys(evil)).toEqual(['__proto__', 'ok']);
      expect(evil.polluted).toBeUndefined();
      expect(JSON.stringify(evil)).toBe('{"__proto__":{"polluted":true},"ok":1}');
      expect(await v.getJSON('missing')).toBeUndefined();
    }
  });
});

describe('file storage on disk', () => {
  it('creates the folder 0700 and every entry 0600, and leaves no temporary files', async () => {
    const dir = path.join(tmp(), 'data');
    const s = await FileStorage.open(dir);
    await s.put('sys/token/id/abc', b('x'));
    await s.put('top', b('y'));
    const walk = (d: string): string[] =>
      fs.readdirSync(d).flatMap((n) => {
        const p = path.join(d, n);
        return fs.statSync(p).isDirectory() ? [p, ...walk(p)] : [p];
      });
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    for (const p of walk(dir)) {
      const st = fs.statSync(p);
      expect(st.mode & 0o777, p).toBe(st.isDirectory() ? 0o700 : 0o600);
      expect(path.basename(p).startsWith('.tmp-'), p).toBe(false);
    }
  });

  it('tightens an existing folder to 0700 and sweeps temporary files a crash left behind', async () => {
    const dir = tmp();
    fs.chmodSync(dir, 0o755);
    fs.mkdirSync(path.join(dir, 'a'));
    fs.writeFileSync(path.join(dir, 'a', '.tmp-deadbeef'), 'half a write');
    const s = await FileStorage.open(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.existsSync(path.join(dir, 'a', '.tmp-deadbeef'))).toBe(false);
    expect(await s.list('')).toEqual([]);
  });

  it('recreates a folder removed behind its back', async () => {
    const dir = tmp();
    const s = await FileStorage.open(dir);
    await s.put('a/b/one', b('1'));
    fs.rmSync(path.join(dir, 'a'), { recursive: true, force: true });
    await s.put('a/b/two', b('2'));
    expect((await s.get('a/b/two'))?.toString()).toBe('2');
    expect(await s.get('a/b/one')).toBeUndefined();
  });

  it('survives reopening: a new instance sees the same entries', async () => {
    const dir = tmp();
    const s1 = await FileStorage.open(dir);
    await s1.put('persist/me', b('still here'));
    const s2 = await FileStorage.open(dir);
    expect((await s2.get('persist/me'))?.toString()).toBe('still here');
  });
});
