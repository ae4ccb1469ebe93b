/**
 * The snapshot archive of `GET sys/storage/raft/snapshot`, in the shape Vault's raft
 * snapshots have: a gzip'd tar holding `meta.json`, `state.bin`, `SHA256SUMS` and
 * `SHA256SUMS.sealed`.
 *
 * - `state.bin` is every physical entry as stored: barrier ciphertext, plus the seal
 *   configuration and the keyring (encrypted under the root key). Nothing in it is plaintext.
 * - `SHA256SUMS` lists the SHA-256 of `meta.json` and `state.bin`, `sha256sum` style.
 * - `SHA256SUMS.sealed` is that list encrypted with the barrier's active data key: a
 *   server whose keyring cannot open it is looking at another cluster's snapshot.
 *
 * The tar is plain POSIX ustar (512-byte headers), written and read here.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

const BLOCK = 512;

export interface SnapshotMeta {
  Version: number;
  ID: string;
  Index: number;
  Term: number;
  Configuration: { Servers: Array<{ Suffrage: number; ID: string; Address: string }> };
  ConfigurationIndex: number;
  Size: number;
}

export interface SnapshotParts {
  meta: SnapshotMeta;
  entries: Array<[string, Buffer]>;
  /** The SHA256SUMS text and its sealed form, as found in the archive. */
  sums: Buffer;
  sealedSums: Buffer;
}

/** Raised for an archive that is not a readable snapshot (400 to the client). */
export class SnapshotFormatError extends Error {}

/** state.bin: for each entry, key length (uint32 BE), key, value length (uint32 BE), value. */
export function encodeState(entries: Array<[string, Buffer]>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of entries) {
    const kb = Buffer.from(k, 'utf8');
    const head = Buffer.alloc(4);
    head.writeUInt32BE(kb.length);
    const vl = Buffer.alloc(4);
    vl.writeUInt32BE(v.length);
    parts.push(head, kb, vl, v);
  }
  return Buffer.concat(parts);
}

export function decodeState(buf: Buffer): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  let i = 0;
  while (i < buf.length) {
    if (i + 4 > buf.length) throw new SnapshotFormatError('state.bin is truncated');
    const kl = buf.readUInt32BE(i);
    i += 4;
    if (i + kl + 4 > buf.length) throw new SnapshotFormatError('state.bin is truncated');
    const k = buf.subarray(i, i + kl).toString('utf8');
    i += kl;
    const vl = buf.readUInt32BE(i);
    i += 4;
    if (i + vl > buf.length) throw new SnapshotFormatError('state.bin is truncated');
    out.push([k, Buffer.from(buf.subarray(i, i + vl))]);
    i += vl;
  }
  return out;
}

export function sha256Sums(files: Array<[string, Buffer]>): Buffer {
  return Buffer.from(
    files.map(([name, b]) => `${createHash('sha256').update(b).digest('hex')}  ${name}\n`).join(''),
    'utf8',
  );
}

function tarHeader(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write('0000600\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'ascii');
  h.write(
    Math.floor(mtime / 1000)
      .toString(8)
      .padStart(11, '0') + '\0',
    136,
    'ascii',
  );
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0' + '00', 257, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

/** A gzip'd ustar archive of the given files. */
export function writeTarGz(files: Array<[string, Buffer]>, mtime: number): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data] of files) {
    parts.push(tarHeader(name, data.length, mtime), data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(parts));
}

/** The files of a gzip'd tar. @throws SnapshotFormatError */
export function readTarGz(gz: Buffer): Map<string, Buffer> {
  let tar: Buffer;
  try {
    tar = gunzipSync(gz);
  } catch (e) {
    throw new SnapshotFormatError(`failed to read snapshot file: gzip: ${(e as Error).message}`);
  }
  const files = new Map<string, Buffer>();
  let i = 0;
  while (i + BLOCK <= tar.length) {
    const h = tar.subarray(i, i + BLOCK);
    if (h.every((b) => b === 0)) break;
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
    if (!Number.isFinite(size) || i + BLOCK + size > tar.length)
      throw new SnapshotFormatError('failed to read snapshot file: archive/tar: invalid tar header');
    files.set(name, Buffer.from(tar.subarray(i + BLOCK, i + BLOCK + size)));
    i += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

/** Splits an archive into its parts and checks SHA256SUMS. @throws SnapshotFormatError */
export function openSnapshot(gz: Buffer): SnapshotParts {
  const files = readTarGz(gz);
  for (const n of ['meta.json', 'state.bin', 'SHA256SUMS', 'SHA256SUMS.sealed'])
    if (!files.has(n)) throw new SnapshotFormatError(`failed to read snapshot file: missing ${n}`);
  const metaBuf = files.get('meta.json')!;
  const state = files.get('state.bin')!;
  const sums = files.get('SHA256SUMS')!;
  if (
    !sums.equals(
      sha256Sums([
        ['meta.json', metaBuf],
        ['state.bin', state],
      ]),
    )
  )
    throw new SnapshotFormatError('failed to read snapshot file: checksums do not match the files');
  let meta: SnapshotMeta;
  try {
    meta = JSON.parse(metaBuf.toString('utf8')) as SnapshotMeta;
  } catch {
    throw new SnapshotFormatError('failed to read snapshot file: meta.json is not JSON');
  }
  return { meta, entries: decodeState(state), sums, sealedSums: files.get('SHA256SUMS.sealed')! };
}
