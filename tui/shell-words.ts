/**
 * Plain mode (`--plain`): which typed lines are shell commands without a leading `$`.
 * A line whose first word (after any `NAME=value` prefixes) is a command the lab's shell
 * knows runs in the lab shell; the course's own words (hint, skip, quit, …) are matched
 * first, so they keep their meaning. One list, read by the parser and the help text.
 */

/** Commands the lab shell knows that a learner types in the course (the lessons' tools and shell basics). */
export const SHELL_COMMANDS: readonly string[] = [
  // The course's own tools and the systems the labs bring.
  'vault',
  'vault-lab',
  'curl',
  'psql',
  'openssl',
  'kubectl',
  'jq',
  'node',
  'npm',
  // Shell basics the lessons use.
  'cat',
  'echo',
  'printf',
  'export',
  'unset',
  'env',
  'grep',
  'ls',
  'cd',
  'pwd',
  'mkdir',
  'rm',
  'cp',
  'mv',
  'touch',
  'chmod',
  'head',
  'tail',
  'sed',
  'awk',
  'cut',
  'tr',
  'wc',
  'diff',
  'tee',
  'base64',
  'sha256sum',
  'shasum',
  'xxd',
  'date',
  'sleep',
  'kill',
  'source',
  'test',
];

const KNOWN = new Set(SHELL_COMMANDS);
/** `NAME=value` before a command (`VAULT_TOKEN=$CHILD vault token lookup`); simple or quoted values. */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=(?:'[^']*'|"[^"]*"|\S)*\s+/;

/** The command a plain-mode line runs in the lab shell, or undefined when its first word is not a known command. */
export function shellCommandOf(line: string): string | undefined {
  const text = line.trim();
  let rest = text;
  for (let m = ASSIGNMENT.exec(rest); m; m = ASSIGNMENT.exec(rest)) rest = rest.slice(m[0].length);
  const first = /^[^\s;|&<>()]+/.exec(rest)?.[0];
  return first && KNOWN.has(first) ? text : undefined;
}
