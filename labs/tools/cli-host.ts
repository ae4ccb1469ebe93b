/**
 * `vault-lab test` runs the `vault` of its headless lab shells inside its own process: the
 * shell's `vault` is a small bash script that sends the command line, the environment, the
 * working folder and stdin here (over 127.0.0.1, with a per-run key) and prints what comes
 * back. The CLI code is the one the `vault` binary runs (`runCli`, handed in by the
 * `vault-lab` entry, so labs/ imports no CLI); only the Node.js start per command is saved —
 * most of a course's test time. `vault-lab test --real-cli` runs the binary instead, and
 * learners' shells always do.
 *
 * Stdin is sent only when the CLI asks for it (`-`, `key=-`, a prompt): the first call goes
 * without, and if the command reads stdin the answer is `stdin` and the script calls again
 * with it. (Reading it always would hang on a caller that never closes it; commands read
 * stdin while parsing their arguments, before any request, so the first call did nothing.)
 *
 * Request body: NUL-separated key, 0 or 1 (stdin attached), cwd, argc, argv…, env entries
 * (`NAME=value`), an empty field, then stdin's bytes. Response: exit code (or `stdin`), a
 * newline, stdout's byte length, a newline, stdout, stderr.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostedIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
  promptSecret?: (prompt: string) => Promise<string>;
  isTTY: boolean;
  cwd?: string;
}
export type CliRunner = (argv: string[], env: Record<string, string | undefined>, io: HostedIO) => Promise<number>;

export interface CliHost {
  port: number;
  key: string;
  close(): Promise<void>;
}

interface Invocation {
  key: string;
  /** Whether stdin's bytes follow (the second call). */
  withStdin: boolean;
  cwd: string;
  argv: string[];
  env: Record<string, string>;
  stdin: string;
}

/** Splits a request body; undefined when it is not one. */
export function parseInvocation(body: Buffer): Invocation | undefined {
  let at = 0;
  const field = (): string | undefined => {
    const end = body.indexOf(0, at);
    if (end === -1) return undefined;
    const s = body.subarray(at, end).toString('utf8');
    at = end + 1;
    return s;
  };
  const key = field();
  const with_ = field();
  const cwd = field();
  const argc = Number(field());
  if (key === undefined || (with_ !== '0' && with_ !== '1') || cwd === undefined) return undefined;
  if (!Number.isInteger(argc) || argc < 0) return undefined;
  const argv: string[] = [];
  for (let i = 0; i < argc; i++) {
    const a = field();
    if (a === undefined) return undefined;
    argv.push(a);
  }
  const env: Record<string, string> = {};
  for (;;) {
    const e = field();
    if (e === undefined) return undefined;
    if (e === '') break;
    const eq = e.indexOf('=');
    if (eq > 0) env[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return { key, withStdin: with_ === '1', cwd, argv, env, stdin: body.subarray(at).toString('utf8') };
}

export async function startCliHost(run: CliRunner): Promise<CliHost> {
  const key = randomBytes(24).toString('hex');
  const want = Buffer.from(key);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const inv = parseInvocation(Buffer.concat(chunks));
      const got = Buffer.from(inv?.key ?? '');
      if (!inv || got.length !== want.length || !timingSafeEqual(got, want)) {
        res.writeHead(403).end();
        return;
      }
      let out = '';
      let err = '';
      let wantsStdin = false;
      const stdin = async () => {
        if (inv.withStdin) return inv.stdin;
        wantsStdin = true;
        throw new Error('stdin is needed');
      };
      const io: HostedIO = {
        stdout: (s) => {
          out += s;
        },
        stderr: (s) => {
          err += s;
        },
        readStdin: stdin,
        // As the binary does without a terminal: the prompt on stderr, the answer from stdin's first line.
        promptSecret: async (prompt) => {
          const text = await stdin();
          err += prompt;
          return text.split('\n')[0];
        },
        isTTY: false,
        cwd: inv.cwd,
      };
      run(inv.argv, inv.env, io).then(
        (code) => finish(code),
        (e) => {
          err += `Error: ${e instanceof Error ? e.message : String(e)}\n`;
          finish(1);
        },
      );
      function finish(code: number) {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.end(wantsStdin ? 'stdin\n' : `${code}\n${Buffer.byteLength(out)}\n${out}${err}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return {
    port: (server.address() as AddressInfo).port,
    key,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The lab shell's `vault` when the CLI is hosted: bash and curl, no Node.js start. */
export function hostedShim(host: { port: number; key: string }): string {
  return `#!/usr/bin/env bash
# vault-lab test runs this shell's vault inside the test runner (labs/tools/cli-host.ts).
call() {
  local with=$1
  shift
  {
    printf '%s\\0' '${host.key}' "$with" "$PWD" "$#" "$@"
    for n in $(compgen -e); do printf '%s=%s\\0' "$n" "\${!n}"; done
    printf '\\0'
    if [ "$with" = 1 ]; then cat; fi
  } | curl -s --data-binary @- -H 'Expect:' -H 'Content-Type: application/octet-stream' 'http://127.0.0.1:${host.port}/'
}
answer() {
  IFS= read -r code || { echo "vault: the vault-lab test runner is not answering" >&2; exit 1; }
  if [ "$code" = stdin ]; then return 0; fi
  IFS= read -r n
  head -c "$n"
  cat >&2
  exit "$code"
}
answer < <(call 0 "$@")
answer < <(call 1 "$@")
`;
}
