import { describe, expect, it } from 'vitest';
import { actionForWord, wordHelp } from './keys.js';
import { SHELL_COMMANDS, shellCommandOf } from './shell-words.js';

describe('plain-mode shell lines', () => {
  it('runs a line as typed when its first word is a command the lab shell knows', () => {
    expect(shellCommandOf('vault kv put secret/app db_user=appuser')).toBe('vault kv put secret/app db_user=appuser');
    expect(shellCommandOf('  curl -s $VAULT_ADDR/v1/sys/health ')).toBe('curl -s $VAULT_ADDR/v1/sys/health');
    expect(shellCommandOf('vault')).toBe('vault');
    expect(shellCommandOf('jq -r .data < out.json')).toBe('jq -r .data < out.json');
    expect(shellCommandOf("psql -c 'select 1'")).toBe("psql -c 'select 1'");
    expect(shellCommandOf('export VAULT_TOKEN=abc')).toBe('export VAULT_TOKEN=abc');
  });

  it('looks past NAME=value prefixes to the command', () => {
    expect(shellCommandOf('VAULT_TOKEN=$CHILD vault token lookup')).toBe('VAULT_TOKEN=$CHILD vault token lookup');
    expect(shellCommandOf('A=1 B="two words" vault status')).toBe('A=1 B="two words" vault status');
    expect(shellCommandOf('A=1')).toBeUndefined();
  });

  it('leaves other lines alone: prose, unknown programs, a command only as a later word', () => {
    expect(shellCommandOf('what is a token')).toBeUndefined();
    expect(shellCommandOf('vaultx status')).toBeUndefined();
    expect(shellCommandOf('please run vault status')).toBeUndefined();
    expect(shellCommandOf('')).toBeUndefined();
  });

  it("never takes one of the course's own words", () => {
    for (const w of wordHelp()) expect(SHELL_COMMANDS).not.toContain(w.word);
    for (const c of SHELL_COMMANDS) expect(actionForWord(c)).toBeUndefined();
  });
});
