/**
 * Process entry of the `vault` binary (cli/): stdin, the secret prompt, a reader that goes away,
 * and — like HashiCorp's binary — shell completion (`complete -C`: COMP_LINE set) and
 * `-autocomplete-install` / `-autocomplete-uninstall`.
 */
import fs from 'node:fs';
import os from 'node:os';
import { autocompleteInstall, completeLine } from '../../cli/complete.js';
import { runCli } from '../../cli/main.js';

function readStdin(): Promise<string> {
  return new Promise((resolve) => {
    if (process.stdin.isTTY) {
      resolve('');
      return;
    }
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', () => resolve(''));
  });
}

function promptSecret(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    if (!stdin.isTTY) {
      void readStdin().then((s) => resolve(s.split('\n')[0]));
      return;
    }
    stdin.setRawMode(true);
    stdin.resume();
    let buf = '';
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(buf);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          process.stderr.write('\n');
          process.exit(130);
        }
        if (ch === '\u007f') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    stdin.on('data', onData);
  });
}

// A reader that goes away (`vault … | head -1`) ends our output quietly, as Go's CLI does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
}
const write = (stream: NodeJS.WriteStream) => (s: string) => {
  if (!stream.destroyed) stream.write(s);
};
/** Answers `complete -C` or runs -autocomplete-(un)install; undefined when neither applies. */
function completion(argv: string[]): number | undefined {
  const line = process.env.COMP_LINE;
  if (line !== undefined) {
    const point = Number(process.env.COMP_POINT ?? line.length);
    for (const o of completeLine(line, Number.isInteger(point) ? point : line.length)) process.stdout.write(`${o}\n`);
    return 0;
  }
  // As mitchellh/cli: the flags count before the command name only.
  const firstWord = argv.findIndex((a) => !a.startsWith('-'));
  const head = firstWord === -1 ? argv : argv.slice(0, firstWord);
  const flag = (n: string) => head.includes(`-${n}`) || head.includes(`--${n}`);
  const install = flag('autocomplete-install');
  const uninstall = flag('autocomplete-uninstall');
  if (!install && !uninstall) return undefined;
  const fail = (msg: string) => {
    process.stderr.write(`Error executing CLI: ${msg}\n`);
    return 1;
  };
  if (install && uninstall)
    return fail('Either the autocomplete install or uninstall flag may be specified, but not both.');
  const bin = fs.realpathSync(process.argv[1]);
  const err = autocompleteInstall(uninstall, bin, process.env.HOME || os.homedir());
  return err ? fail(err) : 0;
}

const done = completion(process.argv.slice(2));
if (done !== undefined) process.exitCode = done;
else
  runCli(process.argv.slice(2), process.env, {
    stdout: write(process.stdout),
    stderr: write(process.stderr),
    readStdin,
    promptSecret,
    isTTY: !!process.stdout.isTTY,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
