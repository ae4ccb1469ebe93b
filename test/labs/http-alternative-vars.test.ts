/**
 * An `http:` alternative may name the lab shell's variables in its path and data, not only in
 * its token: `{ path: $P, data: { data: { v: $V } } }` sends what the shell holds, as a curl
 * with "$P" would. Before, only the token was expanded and the call went to `/v1/$P`.
 */
import { describe, expect, it } from 'vitest';
import { type RawLab, walk } from './lab-walks.js';

const lab: RawLab = {
  id: 'http-vars',
  title: 'Shell variables in an HTTP alternative',
  minutes: 1,
  steps: [
    {
      id: 'remember',
      title: 'Remember a path',
      body: 'Keep the path and the value in shell variables, and look yourself up.',
      hints: ['Export them.'],
      solution: ['export P=secret/data/vars V=from-shell', 'vault token lookup'],
      anti_solutions: [{ run: ['vault token lookup nonsense'], diagnostic: 'answered 403' }],
      check: [{ request: { path: 'auth/token/lookup-self', status: 200 } }],
    },
    {
      id: 'write',
      title: 'Write it',
      body: 'Write the value at the path.',
      hints: ['Use kv put.'],
      solution: ['vault kv put secret/vars v="$V"'],
      alternatives: [
        { name: 'over HTTP', http: [{ method: 'POST', path: '$P', data: { data: { v: '${V}', n: 2 } } }] },
      ],
      anti_solutions: [{ run: ['vault kv put secret/vars v=wrong'], diagnostic: 'wants "from-shell"' }],
      check: [{ state: { path: 'secret/data/vars', expect: [{ at: 'data.data.v', equals: 'from-shell' }] } }],
    },
  ],
};

describe('http alternatives', () => {
  it('expand $NAME and ${NAME} in the path and in the data, from the lab shell', async () => {
    const { failed, text } = await walk(lab, '01-getting-started.yaml', { kind: 'alt', k: 0 });
    expect(failed, text).toEqual([]);
  }, 60_000);
});
