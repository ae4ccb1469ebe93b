/** `random[/<source>][/<bytes>]` and `hash[/<algorithm>]`: keyless helpers on the transit mount. */
import crypto from 'node:crypto';
import { userError } from '../../sdk/errors.js';
import type { PathDef } from '../../framework/backend.js';
import { HASHES } from './key-types.js';
import { decodeB64 } from './wire.js';

const MAX_RANDOM = 128 * 1024;

function encoding(f: string): 'hex' | 'base64' {
  if (f !== 'hex' && f !== 'base64') throw userError(`unsupported encoding format ${f}; must be "hex" or "base64"`);
  return f;
}

export function toolPaths(): PathDef[] {
  return [
    {
      pattern: 'random(?:/(?<source>platform|seal|all))?(?:/(?<urlbytes>[^/]+))?',
      synopsis: 'Generate random bytes',
      fields: {
        bytes: { type: 'int', default: 32 },
        format: { type: 'string', default: 'base64' },
        source: { type: 'string', default: 'platform' },
      },
      operations: {
        update: (req, d) => {
          let n = d.get<number>('bytes');
          if (req.params.urlbytes !== undefined) {
            if (!/^\d+$/.test(req.params.urlbytes))
              throw userError(
                `error parsing url-set byte count: strconv.Atoi: parsing "${req.params.urlbytes}": invalid syntax`,
              );
            n = parseInt(req.params.urlbytes, 10);
          }
          if (n < 1) throw userError('missing bytes');
          if (n > MAX_RANDOM) throw userError(`bytes cannot be more than ${MAX_RANDOM}`);
          const f = encoding(d.get<string>('format'));
          return { data: { random_bytes: crypto.randomBytes(n).toString(f) } };
        },
      },
    },
    {
      pattern: 'hash(?:/(?<urlalgorithm>[^/]+))?',
      synopsis: 'Generate a hash sum for input data',
      fields: {
        input: { type: 'string', required: true },
        algorithm: { type: 'string', default: 'sha2-256' },
        format: { type: 'string', default: 'hex' },
      },
      operations: {
        update: (req, d) => {
          const alg = req.params.urlalgorithm ?? d.get<string>('algorithm');
          if (!HASHES[alg] || alg === 'sha1') throw userError(`unsupported algorithm ${alg}`);
          const f = encoding(d.get<string>('format'));
          const input = decodeB64(d.get<string>('input'), 'input', 'unable to decode input as base64');
          return { data: { sum: crypto.createHash(HASHES[alg]).update(input).digest(f) } };
        },
      },
    },
  ];
}
