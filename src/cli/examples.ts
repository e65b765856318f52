import type { Command } from 'commander';

/**
 * One or two examples per command, shown at the end of its `--help`. Kept in one table (not in each command's
 * file) so the examples read as one guide and stay consistent with the README's.
 */
const EXAMPLES: Record<string, string[]> = {
  quickstart: [
    'cxr quickstart                       # build the sample index and serve it',
    'cxr quickstart --no-serve --rebuild',
  ],
  sample: ['cxr sample --out sample --count 2000 --size 256 --seed 1', 'cxr sample --gallery gallery.png'],
  import: [
    'cxr import openi path/to/ecgen-radiology --images path/to/png',
    'cxr import chestxray14 Data_Entry_2017_v2020.csv --images images/ --lists lists/',
    'cxr import manifest studies.csv --images images/',
  ],
  labels: [
    'cxr labels                           # mine classes, sequences and splits',
    'cxr labels --remine --min-cases 20',
  ],
  'mine-reports': ['cxr mine-reports --reports path/to/ecgen-radiology --out mined.jsonl'],
  'eval-miner': [
    'cxr eval-miner --reports path/to/ecgen-radiology',
    'cxr eval-miner --reports path/to/ecgen-radiology --ids odd',
  ],
  train: ['cxr train --out .cxr/bundle', 'cxr train --iterations 2 --epochs 6 --out .cxr/bundle-2'],
  build: [
    'cxr build openi path/to/ecgen-radiology --images path/to/png   # import, mine, train, index',
    'cxr build --bundle .cxr/bundle --beam 3                        # index the catalog with a bundle',
  ],
  search: [
    'cxr search "left lower lobe effusion"',
    'cxr search "small PTX -effusion" --filter view=PA -k 50 --json',
    'cxr search --image query.png "effusion"',
    'cxr search --like openi:CXR1_1_IM-0001-1001',
  ],
  add: ['cxr add new.png --dataset ward7'],
  remove: ['cxr remove ward7:new'],
  relocate: ['cxr relocate --dataset openi --root /mnt/archive/openi/png'],
  serve: ['cxr serve --index .cxr/index --port 8080 --token SECRET'],
  'export-onnx': ['cxr export-onnx --bundle .cxr/bundle'],
  annotate: ['cxr annotate image.png', 'cxr annotate a.png b.dcm --json --beam 3'],
  eval: ['cxr eval --bundle .cxr/bundle --split test', 'cxr eval --bundle .cxr/bundle --json'],
  backends: ['cxr backends'],
  completion: [
    'cxr completion bash > ~/.local/share/bash-completion/completions/cxr',
    'cxr completion zsh > ~/.zfunc/_cxr',
  ],
};

/** Appends each registered command's examples to its help. */
export function addExamples(program: Command): void {
  for (const command of program.commands) {
    const examples = EXAMPLES[command.name()];
    if (examples !== undefined)
      command.addHelpText('after', `\nExamples:\n${examples.map((line) => `  $ ${line}`).join('\n')}\n`);
  }
}

export function examplesOf(name: string): readonly string[] {
  return EXAMPLES[name] ?? [];
}
