/**
 * The QR encoder and PNG writer behind TOTP barcodes, checked independently: the spec's
 * worked example (ISO/IEC 18004 Annex I: "01234567" as 1-M), the BCH format and version
 * words, capacity tables against the module-count formula, and a real decoder (zbarimg)
 * reading codes of many sizes and every error-correction level.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32, qrPng } from '../../engine/secrets/totp/png.js';
import {
  blockLayout,
  encodeQr,
  formatBits,
  interleave,
  rawDataModules,
  rsRemainder,
  versionBits,
  type Ecl,
} from '../../engine/secrets/totp/qr.js';
import { devEngine } from '../support/engine.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qr-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What zbarimg (a real decoder) reads from a PNG. */
function decode(png: Buffer): string {
  const f = path.join(dir, `${Math.random().toString(36).slice(2)}.png`);
  fs.writeFileSync(f, png);
  return execFileSync('zbarimg', ['-q', '--raw', f], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).replace(
    /\n$/,
    '',
  );
}

describe('against the standard', () => {
  it("computes the spec's Reed-Solomon example for 01234567 at 1-M", () => {
    const data = [0x10, 0x20, 0x0c, 0x56, 0x61, 0x80, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11];
    expect(rsRemainder(data, 10)).toEqual([0xa5, 0x24, 0xd4, 0xc1, 0xed, 0x36, 0xc7, 0x87, 0x2c, 0x55]);
    expect(interleave(data, 1, 'M').slice(16)).toEqual([0xa5, 0x24, 0xd4, 0xc1, 0xed, 0x36, 0xc7, 0x87, 0x2c, 0x55]);
  });

  it('writes the published format and version words, and they form a distance-7 BCH code', () => {
    expect(formatBits('L', 0)).toBe(0b111011111000100);
    expect(formatBits('M', 0)).toBe(0b101010000010010);
    expect(formatBits('Q', 0)).toBe(0b011010101011111);
    expect(formatBits('H', 0)).toBe(0b001011010001001);
    expect(versionBits(7)).toBe(0x07c94);
    expect(versionBits(40)).toBe(0x28c69);
    const words = (['L', 'M', 'Q', 'H'] as Ecl[]).flatMap((l) => [0, 1, 2, 3, 4, 5, 6, 7].map((m) => formatBits(l, m)));
    const popcount = (v: number) => v.toString(2).replace(/0/g, '').length;
    for (let i = 0; i < words.length; i++)
      for (let j = i + 1; j < words.length; j++) expect(popcount(words[i] ^ words[j])).toBeGreaterThanOrEqual(7);
  });

  it('has block tables that fill every version exactly, with the published capacities', () => {
    for (let v = 1; v <= 40; v++)
      for (const l of ['L', 'M', 'Q', 'H'] as Ecl[]) {
        const b = blockLayout(v, l);
        expect(b.total).toBe(Math.floor(rawDataModules(v) / 8));
        expect(b.data + b.ec * b.blocks).toBe(b.total);
        expect(b.numShort).toBeGreaterThan(0);
      }
    expect([1, 40].flatMap((v) => (['L', 'M', 'Q', 'H'] as Ecl[]).map((l) => blockLayout(v, l).data))).toEqual([
      19, 16, 13, 9, 2956, 2334, 1666, 1276,
    ]);
    expect(rawDataModules(1)).toBe(208);
  });
});

describe('read back by zbarimg', () => {
  it('decodes codes of many sizes (versions 1 to 20+) at every level', () => {
    const seen = new Set<number>();
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (const l of ['L', 'M', 'Q', 'H'] as Ecl[])
      for (const n of [1, 17, 40, 77, 120, 200, 330, 480]) {
        const text = Array.from({ length: n }, () => String.fromCharCode(0x21 + (rand() % 94))).join('');
        const qr = encodeQr(text, l);
        seen.add(qr.version);
        expect(decode(qrPng(qr, qr.size * 4 + 32)), `${l} ${n} bytes, version ${qr.version}`).toBe(text);
      }
    expect(Math.max(...seen)).toBeGreaterThanOrEqual(20);
    expect([...seen].some((v) => v >= 7)).toBe(true); // version information blocks drawn
  });

  it('writes PNG chunks with correct CRCs and the asked size', () => {
    const png = qrPng(encodeQr('otpauth://totp/x'), 200);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    let p = 8;
    const types: string[] = [];
    while (p < png.length) {
      const len = png.readUInt32BE(p);
      const body = png.subarray(p + 4, p + 8 + len);
      expect(png.readUInt32BE(p + 8 + len)).toBe(crc32(body));
      if (typeof (zlib as { crc32?: (b: Buffer) => number }).crc32 === 'function')
        expect(crc32(body)).toBe((zlib as unknown as { crc32: (b: Buffer) => number }).crc32(body));
      types.push(body.subarray(0, 4).toString('latin1'));
      p += 12 + len;
    }
    expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([200, 200]);
  });

  it("decodes the engine's barcode to the key's URL", async () => {
    const engine = await devEngine();
    try {
      await engine.request({ operation: 'write', path: 'sys/mounts/totp', token: 'root', data: { type: 'totp' } });
      const r = await engine.request({
        operation: 'write',
        path: 'totp/keys/alice',
        token: 'root',
        data: { generate: true, issuer: 'Example Corp', account_name: 'alice@example.com', qr_size: 300 },
      });
      const data = r.body!.data as { url: string; barcode: string };
      expect(data.url).toMatch(/^otpauth:\/\/totp\/Example%20Corp:alice@example\.com\?.*&issuer=Example\+Corp&/);
      expect(decode(Buffer.from(data.barcode, 'base64'))).toBe(data.url);
    } finally {
      await engine.stop();
    }
  });
});
