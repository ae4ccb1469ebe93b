/** Canary secrets and the encodings a leak could take (raw, JSON-escaped, URL-encoded, hex, base64 at every alignment). */
import fs from 'node:fs';
import path from 'node:path';

export const MARK = 'CnRy9Zq';
export const canary = (i: number, tag = 'x') =>
  `${MARK}-${tag}-${String(i).padStart(4, '0')}-"q"/ü&x=${(i * 7919).toString(36)}`;

export function forms(s: string): string[] {
  const out = new Set<string>([
    s,
    JSON.stringify(s).slice(1, -1),
    encodeURIComponent(s),
    encodeURIComponent(s).replace(/%20/g, '+'),
  ]);
  const hex = Buffer.from(s).toString('hex');
  out.add(hex);
  out.add(hex.toUpperCase());
  for (let pad = 0; pad < 3; pad++) {
    for (const enc of ['base64', 'base64url'] as const) {
      const b = Buffer.from('x'.repeat(pad) + s).toString(enc);
      const start = Math.ceil((pad * 4) / 3) + 1;
      const end = Math.floor(((pad + Buffer.byteLength(s)) * 4) / 3) - 1;
      out.add(b.slice(start, end));
    }
  }
  return [...out].filter((f) => f.length >= 6);
}

/** Every file under a folder (names and contents), as one searchable text. */
export function readAll(root: string): string {
  const parts: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const n of fs.readdirSync(d)) {
      const p = path.join(d, n);
      const st = fs.lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) parts.push(n, fs.readFileSync(p).toString('latin1'), fs.readFileSync(p).toString('utf8'));
    }
  };
  walk(root);
  return parts.join('\n');
}
