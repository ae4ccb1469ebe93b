/**
 * Our `vault` answers shell completion as HashiCorp's does: bash's `complete -C` runs the binary
 * with COMP_LINE/COMP_POINT and reads one candidate per line; `vault -autocomplete-install`
 * edits ~/.bashrc and ~/.zshrc (tested in a temporary HOME), once, and uninstall undoes it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completeLine } from '../../cli/complete.js';
import { ROOT } from '../support/engine.js';
import { PtySession } from '../support/pty.js';

const VAULT_BIN = path.join(ROOT, 'bin', 'vault.js');

function vault(args: string[], env: Record<string, string>) {
  return spawnSync(VAULT_BIN, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
}

describe('complete -C protocol', () => {
  it('predicts commands, subcommands, flags and -format values', () => {
    expect(completeLine('vault to', 8)).toEqual(['token']);
    expect(completeLine('vault token ', 12)).toEqual(['capabilities', 'create', 'lookup', 'renew', 'revoke']);
    expect(completeLine('vault kv ', 9)).toEqual(expect.arrayContaining(['get', 'put', 'metadata']));
    expect(completeLine('vault kv metadata g', 19)).toEqual(['get']);
    expect(completeLine('vault kv get -fo', 16)).toEqual(['-format']);
    expect(completeLine('vault kv get -format=y', 22)).toEqual(['yaml']);
    expect(completeLine('vault kv get -format ', 21)).toEqual(['json', 'pretty', 'table', 'yaml']);
    // Flags are offered only once a dash is typed; hidden flags never.
    expect(completeLine('vault read ', 11)).toEqual([]);
    expect(completeLine('vault read -', 12)).toContain('-address');
    expect(completeLine('vault read -', 12)).not.toContain('-tls-skip-verify');
    // The cursor, not the end of the line, decides.
    expect(completeLine('vault to kv', 8)).toEqual(['token']);
  });

  it('the binary prints candidates one per line when bash runs it with COMP_LINE', () => {
    const r = vault(['vault', 'se', 'vault'], { COMP_LINE: 'vault se', COMP_POINT: '8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('secrets\n');
  });

  it('an interactive bash completes `vault secrets en<TAB>` through it', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-pty-'));
    const sh = new PtySession('bash', ['--norc', '--noprofile', '-i'], {
      cwd: home,
      env: { HOME: home, PS1: '$ ', PATH: `${path.join(ROOT, 'bin')}:${process.env.PATH}` },
    });
    try {
      sh.pty.write(`complete -C ${VAULT_BIN} vault\r`);
      sh.pty.write('vault secrets en\t');
      await sh.waitFor('vault secrets enable ');
      sh.pty.write('\x15'); // clear the line
      sh.pty.write('vault kv get -form\t');
      await sh.waitFor('vault kv get -format');
    } finally {
      sh.pty.kill();
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('vault -autocomplete-install', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-home-'));
    fs.writeFileSync(path.join(home, '.bashrc'), 'export EDITOR=vi\n');
    fs.writeFileSync(path.join(home, '.zshrc'), '');
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  const read = (f: string) => fs.readFileSync(path.join(home, f), 'utf8');
  const bin = fs.realpathSync(VAULT_BIN);

  it('adds the complete -C line to ~/.bashrc and ~/.zshrc once; uninstall takes it out', () => {
    const first = vault(['-autocomplete-install'], { HOME: home });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout + first.stderr).toBe('');
    expect(read('.bashrc')).toBe(`export EDITOR=vi\n\ncomplete -C ${bin} vault\n`);
    expect(read('.zshrc')).toContain('autoload -U +X bashcompinit && bashcompinit\n');
    expect(read('.zshrc')).toContain(`complete -o nospace -C ${bin} vault\n`);
    // bash picks it up.
    const p = spawnSync('bash', ['--norc', '-c', 'source ~/.bashrc; complete -p vault'], {
      env: { ...process.env, HOME: home },
      encoding: 'utf8',
    });
    expect(p.stdout.trim()).toBe(`complete -C '${bin}' vault`);

    // Again: nothing changes, and Vault's words say why.
    const again = vault(['-autocomplete-install'], { HOME: home });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('Error executing CLI: 2 errors occurred:');
    expect(again.stderr).toContain(`* already installed in ${path.join(home, '.bashrc')}`);
    expect(read('.bashrc').match(/complete -C/g)).toHaveLength(1);

    expect(vault(['-autocomplete-uninstall'], { HOME: home }).status).toBe(0);
    expect(read('.bashrc')).not.toContain('complete -C');
    expect(read('.bashrc')).toContain('export EDITOR=vi');
    expect(read('.zshrc')).not.toContain('complete -o nospace');
    const none = vault(['-autocomplete-uninstall'], { HOME: home });
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('does not installed in');
  });

  it('says so when there is no shell to install into, and refuses both flags at once', () => {
    fs.rmSync(path.join(home, '.bashrc'));
    fs.rmSync(path.join(home, '.zshrc'));
    const r = vault(['-autocomplete-install'], { HOME: home, XDG_CONFIG_HOME: path.join(home, 'none') });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('Error executing CLI: Did not find any shells to install\n');
    const both = vault(['-autocomplete-install', '-autocomplete-uninstall'], { HOME: home });
    expect(both.stderr).toContain('not both');
  });
});
