import type { Command } from 'commander';
import { choiceOption } from './shared-options.js';

const SHELLS = ['bash', 'zsh'] as const;

/** Every command's name with its long options, read from the registered program so completion never drifts. */
export function commandOptions(program: Command): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const command of program.commands) {
    const options = command.options.map((option) => option.long).filter((long): long is string => long !== undefined);
    table.set(command.name(), [...options, '--help']);
  }
  return table;
}

export function bashCompletion(table: Map<string, string[]>): string {
  const cases = [...table].map(([name, options]) => `    ${name}) words="${options.join(' ')}" ;;`).join('\n');
  return `# bash completion for cxr (cxr completion bash)
_cxr() {
  local current=\${COMP_WORDS[COMP_CWORD]} words
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${[...table.keys()].join(' ')} --help --version"
  else
    case "\${COMP_WORDS[1]}" in
${cases}
    esac
  fi
  if [[ "$current" == -* || "$COMP_CWORD" -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$current"))
  else
    COMPREPLY=($(compgen -f -- "$current"))
  fi
}
complete -o filenames -F _cxr cxr
`;
}

export function zshCompletion(table: Map<string, string[]>): string {
  const cases = [...table]
    .map(([name, options]) => `    ${name}) _arguments '*:file:_files' ${options.map((o) => `'${o}'`).join(' ')} ;;`)
    .join('\n');
  return `#compdef cxr
# zsh completion for cxr (cxr completion zsh)
_cxr() {
  if (( CURRENT == 2 )); then
    compadd ${[...table.keys()].join(' ')}
    return
  fi
  case "\${words[2]}" in
${cases}
  esac
}
_cxr "$@"
`;
}

/** `cxr completion bash|zsh`: prints a completion script for the shell. */
export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('Print a shell completion script (bash or zsh)')
    .argument('<shell>', SHELLS.join(' | '))
    .action((shell: string) => {
      const table = commandOptions(program);
      process.stdout.write(
        choiceOption('shell', shell, SHELLS) === 'bash' ? bashCompletion(table) : zshCompletion(table),
      );
    });
}
