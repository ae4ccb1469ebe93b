/**
 * `vault-lab completion bash|zsh|fish`, loaded into a real bash: COMPREPLY after TAB on
 * subcommands, options, option values and lab files. zsh and fish are exercised when installed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VAULT_LAB_JS } from '../support/engine.js';
import { PtySession } from '../support/pty.js';

let dir: string;
let script: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-compl-'));
  fs.mkdirSync(path.join(dir, 'course'));
  for (const f of ['course/10-a.yaml', 'course/20-b.yml', 'course/notes.txt', 'lab.yaml'])
    fs.writeFileSync(path.join(dir, f), '');
  const r = spawnSync(process.execPath, [VAULT_LAB_JS, 'completion', 'bash'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  script = path.join(dir, 'vault-lab.bash');
  fs.writeFileSync(script, r.stdout);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** COMPREPLY of `_vault_lab` for the words typed so far (the last one being completed). */
function complete(...words: string[]): string[] {
  const arr = words.map((w) => `'${w}'`).join(' ');
  const r = spawnSync(
    'bash',
    [
      '--norc',
      '-c',
      `source "${script}"; COMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; _vault_lab; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe.runIf(has('bash'))('bash completion', () => {
  it('registers itself for vault-lab', () => {
    const r = spawnSync('bash', ['--norc', '-c', `source "${script}"; complete -p vault-lab`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('complete -F _vault_lab vault-lab');
  });

  it('completes subcommands, help topics and the course options', () => {
    expect(complete('vault-lab', 'te')).toEqual(['test']);
    expect(complete('vault-lab', 'c')).toEqual(['clock', 'completion']);
    expect(complete('vault-lab', '')).toEqual(
      expect.arrayContaining(['server', 'test', 'validate', 'new', 'quiz', 'clock', 'completion', 'help']),
    );
    expect(complete('vault-lab', '')).not.toContain('__schema');
    expect(complete('vault-lab', 'help', 'va')).toEqual(['validate']);
    expect(complete('vault-lab', '--')).toEqual(['--course', '--help', '--labs', '--no-shell', '--plain', '--version']);
    expect(complete('vault-lab', '--labs', 'co')).toEqual(['course']);
  });

  it("completes a subcommand's options, their values, and lab files", () => {
    expect(complete('vault-lab', 'test', '--j')).toEqual(['--jobs', '--junit']);
    expect(complete('vault-lab', 'server', '-dev-k')).toEqual(['-dev-kv-v1']);
    expect(complete('vault-lab', 'server', '-log-level', 'w')).toEqual(['warn']);
    expect(complete('vault-lab', 'completion', '')).toEqual(['bash', 'fish', 'zsh']);
    // Lab arguments: folders and YAML files only.
    expect(complete('vault-lab', 'test', 'course/')).toEqual(['course/10-a.yaml', 'course/20-b.yml']);
    expect(complete('vault-lab', 'validate', '')).toEqual(['course', 'lab.yaml']);
    // --junit takes any file; --opt=value arrives as three words.
    expect(complete('vault-lab', 'test', '--junit', 'course/n')).toEqual(['course/notes.txt']);
    expect(complete('vault-lab', 'test', '--junit', '=', 'course/n')).toEqual(['course/notes.txt']);
    expect(complete('vault-lab', 'test', '--jobs', '')).toEqual([]);
  });
});

describe.runIf(has('bash'))('bash completion at a real prompt', () => {
  it('vault-lab te<TAB> becomes vault-lab test, and a lab folder completes', async () => {
    const sh = new PtySession('bash', ['--norc', '--noprofile', '-i'], {
      cwd: dir,
      env: { HOME: dir, PS1: '$ ' },
    });
    try {
      sh.pty.write(`source ${script}\r`);
      sh.pty.write('vault-lab te\t');
      await sh.waitFor('vault-lab test ');
      sh.pty.write('cou\t');
      await sh.waitFor('vault-lab test course/');
    } finally {
      sh.pty.kill();
    }
  }, 30_000);
});

describe('zsh and fish scripts', () => {
  it('zsh loads the bash function through bashcompinit', () => {
    const zsh = spawnSync(process.execPath, [VAULT_LAB_JS, 'completion', 'zsh'], { encoding: 'utf8' }).stdout;
    expect(zsh).toMatch(/^#compdef vault-lab\n/);
    expect(zsh).toContain('autoload -U +X bashcompinit && bashcompinit');
    expect(zsh).toContain('complete -F _vault_lab vault-lab');
    if (has('zsh')) {
      const r = spawnSync('zsh', ['-f', '-c', `source <(node ${VAULT_LAB_JS} completion zsh) && echo loaded`], {
        encoding: 'utf8',
      });
      expect(r.stdout.trim()).toBe('loaded');
    }
  });

  it('fish gets one complete line per subcommand and option', () => {
    const fish = spawnSync(process.execPath, [VAULT_LAB_JS, 'completion', 'fish'], { encoding: 'utf8' }).stdout;
    expect(fish).toContain("complete -c vault-lab -n '__fish_use_subcommand' -a test -d ");
    expect(fish).toContain("complete -c vault-lab -n '__fish_seen_subcommand_from test' -l junit -r -F -d ");
    expect(fish).toContain("complete -c vault-lab -n '__fish_seen_subcommand_from server' -o dev -d ");
    if (has('fish')) {
      const r = spawnSync(
        'fish',
        ['--no-config', '-c', `node ${VAULT_LAB_JS} completion fish | source; complete -C 'vault-lab te'`],
        {
          encoding: 'utf8',
        },
      );
      expect(r.stdout).toMatch(/^test\t/m);
    }
  });
});
