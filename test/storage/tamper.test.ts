/**
 * Tampering with the storage folder fails closed: a flipped byte anywhere in an entry,
 * an entry copied or moved onto another key, or a re-signed record whose ciphertext was
 * moved, is refused — the altered data is never returned. Checked at the storage layer
 * (every byte position) and through a real server over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FileStorage, decodeRecord, encodeRecord } from '../../engine/physical/file.js';
import { BarrierStorage, Keyring } from '../../engine/physical/barrier.js';
import { startEngine } from '../../engine/index.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-tamper-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** The on-disk file of a key (leaf names carry a `_`). */
const fileOf = (root: string, key: string) => {
  const parts = key.split('/');
  const leaf = parts.pop()!;
  return path.join(root, ...parts, '_' + leaf);
};

async function barrierOverFile() {
  const root = tmp();
  const physical = await FileStorage.open(root);
  const barrier = new BarrierStorage(physical);
  const ring = Keyring.fresh(Date.now());
  barrier.unseal(ring);
  return { root, physical, barrier };
}

describe('barrier over file storage under tampering', () => {
  it('refuses an entry with any single byte flipped, at every position of the file', async () => {
    const { root, barrier } = await barrierOverFile();
    await barrier.put('logical/app/secret', Buffer.from('the real value'));
    const file = fileOf(root, 'logical/app/secret');
    const original = fs.readFileSync(file);
    for (let i = 0; i < original.length; i++) {
      const bad = Buffer.from(original);
      bad[i] ^= 0x01;
      fs.writeFileSync(file, bad);
      await expect(barrier.get('logical/app/secret'), `byte ${i}`).rejects.toThrow();
    }
    fs.writeFileSync(file, original);
    expect((await barrier.get('logical/app/secret'))?.toString()).toBe('the real value');
  });

  it('refuses a ciphertext flipped by someone who also fixes up the record checksum', async () => {
    const { root, barrier } = await barrierOverFile();
    await barrier.put('k', Buffer.from('payload-123'));
    const file = fileOf(root, 'k');
    const blob = decodeRecord('k', fs.readFileSync(file));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: blob.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (pos, mask) => {
          const bad = Buffer.from(blob);
          bad[pos] ^= mask;
          fs.writeFileSync(file, encodeRecord('k', bad));
          let got: Buffer | undefined;
          let threw = false;
          try {
            got = await barrier.get('k');
          } catch {
            threw = true;
          }
          expect(threw || got?.toString() === 'payload-123').toBe(true);
          expect(threw).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses an entry copied onto another key, whether or not the record header is rewritten', async () => {
    const { root, barrier } = await barrierOverFile();
    await barrier.put('logical/a', Buffer.from('value of a'));
    await barrier.put('logical/b', Buffer.from('value of b'));
    const a = fs.readFileSync(fileOf(root, 'logical/a'));
    // Plain copy: the record names its own key.
    fs.writeFileSync(fileOf(root, 'logical/b'), a);
    await expect(barrier.get('logical/b')).rejects.toThrow(/belongs to another key|decrypt/);
    // A record rebuilt for key b around a's ciphertext: the path is GCM associated data.
    fs.writeFileSync(fileOf(root, 'logical/b'), encodeRecord('logical/b', decodeRecord('logical/a', a)));
    await expect(barrier.get('logical/b')).rejects.toThrow(/decrypt/);
  });

  it('refuses swapped entries (two files exchanged)', async () => {
    const { root, barrier } = await barrierOverFile();
    await barrier.put('x/one', Buffer.from('1111'));
    await barrier.put('x/two', Buffer.from('2222'));
    const f1 = fileOf(root, 'x/one'),
      f2 = fileOf(root, 'x/two');
    const b1 = fs.readFileSync(f1),
      b2 = fs.readFileSync(f2);
    fs.writeFileSync(f1, encodeRecord('x/one', decodeRecord('x/two', b2)));
    fs.writeFileSync(f2, encodeRecord('x/two', decodeRecord('x/one', b1)));
    await expect(barrier.get('x/one')).rejects.toThrow();
    await expect(barrier.get('x/two')).rejects.toThrow();
  });

  it('refuses a truncated entry and a file that is not a record', async () => {
    const { root, barrier } = await barrierOverFile();
    await barrier.put('t', Buffer.from('some longer value here'));
    const f = fileOf(root, 't');
    const full = fs.readFileSync(f);
    fs.writeFileSync(f, full.subarray(0, full.length - 5));
    await expect(barrier.get('t')).rejects.toThrow();
    fs.writeFileSync(f, 'plain text that an attacker dropped in');
    await expect(barrier.get('t')).rejects.toThrow();
  });

  it("cannot decrypt with another keyring (a different server's keys)", async () => {
    const { physical, barrier } = await barrierOverFile();
    await barrier.put('k', Buffer.from('v'));
    const other = new BarrierStorage(physical);
    other.unseal(Keyring.fresh(Date.now()));
    await expect(other.get('k')).rejects.toThrow(/decrypt/);
  });
});

describe('a real server over tampered storage', () => {
  it('answers 500 for the tampered secret, never its altered value, and serves the rest', async () => {
    const dir = tmp();
    let e = await startEngine({ storage: { kind: 'file', path: dir } });
    const req = async (method: string, p: string, token?: string, body?: unknown) => {
      const r = await fetch(`${e.url}/v1/${p}`, {
        method,
        headers: token ? { 'X-Vault-Token': token } : {},
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const t = await r.text();
      return { status: r.status, body: t ? JSON.parse(t) : null, text: t };
    };
    const init = (await req('PUT', 'sys/init', undefined, { secret_shares: 1, secret_threshold: 1 })).body;
    await req('PUT', 'sys/unseal', undefined, { key: init.keys[0] });
    const root = init.root_token;
    expect((await req('POST', 'sys/mounts/kv', root, { type: 'kv' })).status).toBe(204);
    await req('PUT', 'kv/victim', root, { value: 'original-secret' });
    await req('PUT', 'kv/bystander', root, { value: 'untouched' });
    await e.stop();

    // Find the victim's file: the only entry under logical/ whose decrypted key is kv/victim.
    const walk = (d: string): string[] =>
      fs.readdirSync(d).flatMap((n) => {
        const p = path.join(d, n);
        return fs.statSync(p).isDirectory() ? walk(p) : [p];
      });
    const victim = walk(dir).find((p) => p.includes('logical') && p.endsWith('_victim'))!;
    expect(victim).toBeTruthy();
    const bytes = fs.readFileSync(victim);
    const key = victim
      .slice(dir.length + 1)
      .split(path.sep)
      .map((s, i, a) => (i === a.length - 1 ? s.slice(1) : s))
      .join('/');
    const blob = decodeRecord(key, bytes);
    blob[blob.length - 20] ^= 0x40;
    fs.writeFileSync(victim, encodeRecord(key, blob));

    e = await startEngine({ storage: { kind: 'file', path: dir } });
    await req('PUT', 'sys/unseal', undefined, { key: init.keys_base64[0] });
    const bad = await req('GET', 'kv/victim', root);
    expect(bad.status).toBe(500);
    expect(bad.text).not.toContain('original');
    expect(bad.body.errors.join(' ')).toMatch(/failed to decrypt storage entry/);
    const ok = await req('GET', 'kv/bystander', root);
    expect(ok.status).toBe(200);
    expect(ok.body.data.value).toBe('untouched');
    await e.stop();
  });
});
