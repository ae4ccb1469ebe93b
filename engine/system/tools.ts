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

export function toolPaths(host: SystemHost): PathDef[] {
  return [
    {
      pattern: 'tools/random(?:/(?<urlbytes>\\d+))?',
      fields: { bytes: { type: 'int', default: 32 }, format: { type: 'string', default: 'base64' } },
      operations: {
        update: (req, d) => {
          const n = req.params.urlbytes ? parseInt(req.params.urlbytes, 10) : d.get<number>('bytes');
          if (n < 1 || n > 128 * 1024) throw userError('the number of bytes must be between 1 and 131072');
          const f = d.get<string>('format');
          if (f !== 'base64' && f !== 'hex')
            throw userError(`unsupported encoding format ${f}; must be "hex" or "base64"`);
          return { data: { random_bytes: randomBytes(n).toString(f) } };
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
          const alg = req.params.urlalgorithm ?? d.get<string>('algorithm');
          if (!HASHES[alg]) throw userError(`unsupported algorithm ${alg}`);
          const f = d.get<string>('format');
          if (f !== 'base64' && f !== 'hex')
            throw userError(`unsupported encoding format ${f}; must be "hex" or "base64"`);
          const input = Buffer.from(d.get<string>('input'), 'base64');
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
