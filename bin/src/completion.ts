/**
 * `vault-lab completion bash|zsh|fish`: completion scripts generated from the subcommand
 * table (usage.ts), so a new subcommand or option completes without touching this file.
 * The scripts are static — a TAB never starts node. Lab arguments complete to folders and
 * `*.yaml`/`*.yml` files.
 */
import type { Completer, OptionSpec, Subcommand } from './usage.js';

type Shell = 'bash' | 'zsh' | 'fish';

const words = (xs: readonly string[]) => xs.join(' ');

/** Bash code that fills COMPREPLY for a completer, from "$cur". */
function bashValue(c: Completer | undefined): string {
  if (Array.isArray(c)) return `COMPREPLY+=($(compgen -W "${words(c)}" -- "$cur"))`;
  switch (c) {
    case 'lab':
      return '_vault_lab_labs';
    case 'dir':
      return '_vault_lab_dirs';
    case 'none':
      return ':';
    default:
      return '_vault_lab_files';
  }
}

function flagWords(cmd: Subcommand): string[] {
  const dash = cmd.dash ?? '--';
  return [...(cmd.options ?? []).map((o) => `${dash}${o.name}`), '--help'];
}

function bashCase(cmd: Subcommand, names: string[]): string {
  const dash = cmd.dash ?? '--';
  const valued = (cmd.options ?? []).filter((o) => o.value);
  const prevCases = valued
    .map(
      (o) =>
        `        ${dash}${o.name}${dash === '--' ? `|-${o.name}` : `|--${o.name}`}) ${bashValue(o.complete)}; return ;;`,
    )
    .join('\n');
  const top = cmd.name === '';
  const extra = top ? ' --version' : '';
  const positional = top
    ? `COMPREPLY+=($(compgen -W "${words(names)} help" -- "$cur"))`
    : bashValue(cmd.args?.complete);
  const argsLine = top || cmd.args ? `      ${positional}` : '      :';
  return `    ${top ? '""' : cmd.name})
${prevCases ? `      case "$prev" in\n${prevCases}\n      esac\n` : ''}      if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "${words(flagWords(cmd))}${extra}" -- "$cur"))
        return
      fi
${argsLine}
      ;;`;
}

function bash(cmds: Subcommand[]): string {
  const visible = cmds.filter((c) => !c.hidden);
  const names = visible.filter((c) => c.name).map((c) => c.name);
  const course = visible.find((c) => c.name === '');
  const topValued = (course?.options ?? []).filter((o) => o.value).map((o) => `--${o.name}`);
  return `# bash completion for vault-lab. Load it with: source <(vault-lab completion bash)
_vault_lab_files() {
  compopt -o filenames 2>/dev/null
  local IFS=$'\\n'
  COMPREPLY+=($(compgen -f -- "$cur"))
}
_vault_lab_dirs() {
  compopt -o filenames 2>/dev/null
  local IFS=$'\\n'
  COMPREPLY+=($(compgen -d -- "$cur"))
}
_vault_lab_labs() {
  compopt -o filenames 2>/dev/null
  local IFS=$'\\n'
  COMPREPLY+=($(compgen -d -- "$cur") $(compgen -f -X '!*.y*ml' -- "$cur"))
}
_vault_lab() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" i w
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # --opt=value arrives as three words: --opt, =, value.
  if [[ "$cur" == "=" ]]; then cur=""; elif [[ "$prev" == "=" ]] && (( COMP_CWORD > 1 )); then prev="\${COMP_WORDS[COMP_CWORD-2]}"; fi
  for (( i = 1; i < COMP_CWORD; i++ )); do
    w="\${COMP_WORDS[i]}"
    case "$w" in
${topValued.length ? `      ${topValued.join('|')}) (( i++ )) ;;\n` : ''}      -*|=) ;;
      *) cmd="$w"; break ;;
    esac
  done
  COMPREPLY=()
  case "$cmd" in
${visible.map((c) => bashCase(c, names)).join('\n')}
    help)
      COMPREPLY=($(compgen -W "${words(names)}" -- "$cur"))
      ;;
  esac
}
complete -F _vault_lab vault-lab
`;
}

function zsh(cmds: Subcommand[]): string {
  // zsh runs the bash function through its bash-compatibility layer.
  return `#compdef vault-lab
# zsh completion for vault-lab. Load it with: source <(vault-lab completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bash(cmds).split('\n').slice(1).join('\n')}`;
}

const fishQuote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function fishValue(c: Completer | undefined): string {
  if (Array.isArray(c)) return ` -x -a ${fishQuote(words(c))}`;
  switch (c) {
    case 'lab':
      return ` -r -a '(__fish_complete_suffix .yaml; __fish_complete_suffix .yml)'`;
    case 'dir':
      return ` -x -a '(__fish_complete_directories)'`;
    case 'none':
      return ' -x';
    default:
      return ' -r -F';
  }
}

function fishOption(cond: string, dash: string, o: OptionSpec): string {
  const flag = dash === '-' ? `-o ${o.name}` : `-l ${o.name}`;
  return `complete -c vault-lab -n ${fishQuote(cond)} ${flag}${o.value ? fishValue(o.complete) : ''} -d ${fishQuote(o.help)}`;
}

function fish(cmds: Subcommand[]): string {
  const visible = cmds.filter((c) => !c.hidden);
  const names = visible.filter((c) => c.name).map((c) => c.name);
  const lines = [
    '# fish completion for vault-lab: vault-lab completion fish > ~/.config/fish/completions/vault-lab.fish',
    'complete -c vault-lab -f',
    "complete -c vault-lab -s h -l help -d 'print help'",
    `complete -c vault-lab -n '__fish_use_subcommand' -l version -d 'print the version'`,
  ];
  for (const c of visible) {
    if (!c.name) {
      for (const o of c.options ?? []) lines.push(fishOption('__fish_use_subcommand', '--', o));
      continue;
    }
    lines.push(`complete -c vault-lab -n '__fish_use_subcommand' -a ${c.name} -d ${fishQuote(c.synopsis)}`);
    const cond = `__fish_seen_subcommand_from ${c.name}`;
    for (const o of c.options ?? []) lines.push(fishOption(cond, c.dash ?? '--', o));
    if (c.args && c.args.complete !== 'none')
      lines.push(`complete -c vault-lab -n ${fishQuote(cond)}${fishValue(c.args.complete)}`);
  }
  lines.push(`complete -c vault-lab -n '__fish_use_subcommand' -a help -d 'the help of a command'`);
  lines.push(`complete -c vault-lab -n '__fish_seen_subcommand_from help' -x -a ${fishQuote(words(names))}`);
  return lines.join('\n') + '\n';
}

/** The completion script for a shell. */
export function completionScript(shell: Shell, cmds: Subcommand[]): string {
  return shell === 'bash' ? bash(cmds) : shell === 'zsh' ? zsh(cmds) : fish(cmds);
}
