/** sys/tools/random, sys/tools/hash, sys/version-history. */
import { createHash, randomBytes } from 'node:crypto';
import type { PathDef } from '../framework/backend.js';
import type { SystemHost } from '../sdk/system-host.js';
import { userError } from '../sdk/errors.js';
import { BUILD_DATE } from './health.js';

const HASHES: Record<string, string> = {
  'sha2-224': 'sha224',
  'sha2-256': 'sha256',
  'sha2-384': 'sha384',
  'sha2-512': 'sha512',
  'sha3-224': 'sha3-224',
  'sha3-256': 'sha3-256',
  'sha3-384': 'sha3-384',
  'sha3-512': 'sha3-512',
};

const SOURCES = new Set(['platform', 'seal', 'all']);
const RANDOM_MAX_BYTES = 128 * 1024;
const NO_SEAL_ENTROPY = 'no seal/entropy augmentation available, using platform entropy source';

/** A URL byte count, refused in the words of Go's strconv.Atoi as Vault does. */
function atoi(text: string): number {
  if (!/^[+-]?\d+$/.test(text))
    throw userError(`error parsing url-set byte count: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw userError(
      `error parsing url-set byte count: strconv.Atoi: parsing ${JSON.stringify(text)}: value out of range`,
    );
  return n;
}

const B64 = /[A-Za-z0-9+/]/;

/**
 * Where Go's padded standard base64 decoder (`base64.StdEncoding`) stops on `text`: the byte
 * offset it reports as "illegal base64 data at input byte N", or null when it decodes.
 * Newlines are skipped; each group of four needs its padding; nothing may follow the padding.
 */
export function goBase64Error(text: string): number | null {
  const skipNewlines = (i: number) => {
    while (i < text.length && (text[i] === '\n' || text[i] === '\r')) i++;
    return i;
  };
  let i = 0;
  for (;;) {
    let j = 0;
    while (j < 4) {
      if (i === text.length) {
        if (j === 0) return null;
        return i - j;
      }
      const c = text[i++];
      if (B64.test(c)) {
        j++;
        continue;
      }
      if (c === '\n' || c === '\r') continue;
      if (c !== '=' || j < 2) return i - 1;
      if (j === 2) {
        i = skipNewlines(i);
        if (i === text.length) return text.length;
        if (text[i] !== '=') return i - 1;
        i++;
      }
      i = skipNewlines(i);
      return i < text.length ? i : null;
    }
  }
}

export function toolPaths(host: SystemHost): PathDef[] {
  return [
    {
      // One optional segment is a source when it names one, else a byte count (as Vault parses it).
      pattern: 'tools/random(?:/(?<urlsource>[^/]+))?(?:/(?<urlbytes>.+))?',
      fields: { bytes: { type: 'int', default: 32 }, format: { type: 'string', default: 'base64' } },
      operations: {
        update: (req, d) => {
          const { urlsource, urlbytes } = req.params;
          let source = 'platform';
          let n: number;
          if (!urlsource) n = d.get<number>('bytes');
          else if (!urlbytes && SOURCES.has(urlsource)) {
            source = urlsource;
            n = d.get<number>('bytes');
          } else {
            if (urlbytes) source = urlsource;
            n = atoi(urlbytes || urlsource);
          }
          if (n < 1) throw userError('"bytes" cannot be less than 1');
          if (n > RANDOM_MAX_BYTES) throw userError(`"bytes" should be less than ${RANDOM_MAX_BYTES}`);
          const f = d.get<string>('format');
          if (f !== 'base64' && f !== 'hex')
            throw userError(`unsupported encoding format "${f}"; must be "hex" or "base64"`);
          if (!SOURCES.has(source))
            throw userError(`unsupported entropy source "${source}"; must be "platform" or "seal", or "all"`);
          // No seal offers entropy here (as Vault CE): "seal" reads the platform source and says so.
          const warnings = source === 'seal' ? [NO_SEAL_ENTROPY] : undefined;
          return { data: { random_bytes: randomBytes(n).toString(f) }, warnings };
        },
      },
    },
    {
      pattern: 'tools/hash(?:/(?<urlalgorithm>[^/]+))?',
      fields: {
        input: { type: 'string' },
        algorithm: { type: 'string', default: 'sha2-256' },
        format: { type: 'string', default: 'hex' },
      },
      operations: {
        update: (req, d) => {
          // Vault's order: the input, then the format, then the algorithm.
          const raw = d.get<string>('input') ?? '';
          const bad = goBase64Error(raw);
          if (bad !== null)
            throw userError(`unable to decode input as base64: illegal base64 data at input byte ${bad}`);
          const f = d.get<string>('format');
          if (f !== 'base64' && f !== 'hex')
            throw userError(`unsupported encoding format ${f}; must be "hex" or "base64"`);
          const alg = req.params.urlalgorithm || d.get<string>('algorithm');
          if (!HASHES[alg]) throw userError(`unsupported algorithm ${alg}`);
          const input = Buffer.from(raw.replace(/[\r\n]/g, ''), 'base64');
          return { data: { sum: createHash(HASHES[alg]).update(input).digest(f) } };
        },
      },
    },
    {
      pattern: 'version-history/?',
      operations: {
        list: () => ({
          data: {
            keys: [host.version],
            key_info: {
              [host.version]: {
                build_date: BUILD_DATE,
                previous_version: null,
                timestamp_installed: new Date(host.clock.nowMs()).toISOString(),
              },
            },
          },
        }),
      },
    },
  ];
}
