/** A minimal PNG writer (8-bit greyscale, no interlace) on node:zlib, and a QR code drawn into it. */
import zlib from 'node:zlib';
import type { QrCode } from './qr.js';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309), as PNG chunks carry it. */
export function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const byte of b) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A greyscale PNG from rows of 0–255 values. */
export function greyPng(width: number, height: number, pixel: (x: number, y: number) => number): Buffer {
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = pixel(x, y);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A QR code scaled into a `size`×`size` image: whole pixels per module, centred on white
 * (as Vault's barcode library scales). @throws Error when the image is smaller than the code.
 */
export function qrPng(qr: QrCode, size: number): Buffer {
  const scale = Math.floor(size / qr.size);
  if (scale < 1) throw new Error(`can not scale barcode to an image smaller than ${qr.size}x${qr.size}`);
  const off = Math.floor((size - qr.size * scale) / 2);
  return greyPng(size, size, (x, y) => {
    const mx = Math.floor((x - off) / scale);
    const my = Math.floor((y - off) / scale);
    if (x < off || y < off || mx >= qr.size || my >= qr.size) return 255;
    return qr.modules[my][mx] ? 0 : 255;
  });
}
