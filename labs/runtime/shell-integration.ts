/**
 * Shell integration: how the learner's embedded shell tells the lab session which
 * command line ran and how it ended, so `command` checks can judge it and checks re-run
 * after every command.
 *
 * The bash rc text below (`shellIntegrationRc()`) reports each new history entry with
 * its exit code over loopback TCP to the session's control channel (`labs/control.ts`),
 * using bash's own `/dev/tcp` — no extra process per prompt, nothing written to disk.
 * The session redacts the line (`redactCommand`) before keeping it, so no secret value
 * is ever stored: the command log lives in memory, outside the workspace, redacted.
 *
 * The headless runner's `ScriptShell` records the commands it runs through the same
 * session method (`LabSession.recordCommand`), with the same redaction.
 */

/** Environment variables the session sets for the learner's shell. */
export const CONTROL_ENV = 'VAULT_LAB_CONTROL';
export const CONTROL_KEY_ENV = 'VAULT_LAB_CONTROL_KEY';

/**
 * Bash rc lines that report every command line and its exit code to the session.
 * Append them to the embedded shell's rc file; they read the address and key from
 * `VAULT_LAB_CONTROL` / `VAULT_LAB_CONTROL_KEY` (set by `LabSession.env()`), and do
 * nothing when those are unset.
 */
export function shellIntegrationRc(): string {
  return [
    '# vault-lab shell integration: report each command line and its exit code to the lab session.',
    'HISTCONTROL=',
    'HISTIGNORE=',
    '__vault_lab_last=',
    '__vault_lab_report() {',
    '  local code=$? entry num line port fd',
    '  [ -n "$VAULT_LAB_CONTROL" ] || return $code',
    '  entry=$(HISTTIMEFORMAT= builtin history 1)',
    '  if [[ $entry =~ ^[[:space:]]*([0-9]+)[[:space:]]+(.*)$ ]]; then',
    '    num=${BASH_REMATCH[1]}; line=${BASH_REMATCH[2]}',
    '  else return $code; fi',
    '  [ "$num" = "$__vault_lab_last" ] && return $code',
    '  __vault_lab_last=$num',
    '  line=${line//\\\\/\\\\\\\\}',
    "  line=${line//$'\\n'/\\\\n}",
    '  port=${VAULT_LAB_CONTROL##*:}',
    '  { exec {fd}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return $code',
    '  printf \'%s cmd %s %s\\n\' "$VAULT_LAB_CONTROL_KEY" "$code" "$line" >&$fd 2>/dev/null',
    '  exec {fd}>&-',
    '  return $code',
    '}',
    'PROMPT_COMMAND="__vault_lab_report${PROMPT_COMMAND:+;$PROMPT_COMMAND}"',
    '',
  ].join('\n');
}

/** Decodes the escaped line the rc sends (`\n` for newlines, `\\` for backslashes). */
export function decodeReportedLine(s: string): string {
  return s.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

const SECRET_FLAG =
  /^(-{1,2}(?:password|secret|secret-id|token|value|client-token|ciphertext|plaintext|key|unseal-key|wrapping-token)=)(.+)$/i;
const TOKEN_LIKE = /\b(?:hv[sbr]\.[A-Za-z0-9_-]{20,}|s\.[A-Za-z0-9]{24}|b\.[A-Za-z0-9]{20,})\b/g;

/** Replaces token-shaped strings (`hvs.…`, `s.…`, `hvb.…`) in free text. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_LIKE, '***');
}

/**
 * Removes secret values from a command line before the session keeps it: the value of
 * every `key=value` argument and environment assignment (unless it is a `$VARIABLE`
 * reference), values of secret-looking flags, token-shaped strings, and the argument of
 * `vault login` / `vault unwrap`. Keys, flags, paths and exit codes stay readable.
 * @example redactCommand("vault kv put secret/a password='x!'") // "vault kv put secret/a password=***"
 */
export function redactCommand(line: string): string {
  const out = line.replace(TOKEN_LIKE, '***');
  const words = splitWords(out);
  let prev = '',
    prev2 = '';
  return words
    .map((w) => {
      let r = w.text;
      const plain = w.text;
      const flag = SECRET_FLAG.exec(plain);
      if (flag) r = `${flag[1]}***`;
      else if (/^[A-Za-z_][A-Za-z0-9_.-]*=/.test(plain) && !plain.startsWith('-')) {
        const [k, ...v] = plain.split('=');
        const value = v.join('=');
        // `$VAR` / `$(…)` references name where a value comes from; they are not the value.
        if (!/^["']?\$/.test(value) && value !== '') r = `${k}=***`;
      } else if (
        prev2 === 'vault' &&
        (prev === 'login' || prev === 'unwrap') &&
        !plain.startsWith('-') &&
        plain !== '-'
      )
        r = '***';
      if (!w.text.startsWith('-')) {
        prev2 = prev;
        prev = w.text;
      }
      return w.sep + r;
    })
    .join('');
}

/** Splits on unquoted whitespace, keeping the separators so the line reassembles. */
function splitWords(line: string): Array<{ sep: string; text: string }> {
  const out: Array<{ sep: string; text: string }> = [];
  let i = 0;
  while (i < line.length) {
    let sep = '';
    while (i < line.length && /\s/.test(line[i])) sep += line[i++];
    let text = '';
    let q: string | null = null;
    while (i < line.length && (q || !/\s/.test(line[i]))) {
      const c = line[i];
      if (q) {
        if (c === q) q = null;
        else if (c === '\\' && q === '"' && i + 1 < line.length) {
          text += c;
          i++;
        }
      } else if (c === '"' || c === "'") q = c;
      else if (c === '\\' && i + 1 < line.length) {
        text += c;
        i++;
      }
      text += line[i++];
    }
    if (sep || text) out.push({ sep, text });
  }
  return out;
}
