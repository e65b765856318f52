import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bashCompletion, commandOptions } from '../../src/cli/completion.js';
import { examplesOf } from '../../src/cli/examples.js';
import { createProgram } from '../../src/cli/program.js';

const table = commandOptions(createProgram());

describe('help examples and shell completion', () => {
  it('every command has an example, and every example names its command and only options it has', () => {
    for (const [name, options] of table) {
      const examples = examplesOf(name);
      expect(examples.length, name).toBeGreaterThan(0);
      for (const example of examples) {
        const words = example.split('#')[0]?.trim().split(/\s+/) ?? [];
        expect(words.slice(0, 2), example).toEqual(['cxr', name]);
        for (const flag of words.filter((word) => word.startsWith('--'))) expect(options, example).toContain(flag);
      }
    }
  });

  it.skipIf(process.platform === 'win32')('the bash script completes commands and their options', () => {
    const script = join(mkdtempSync(join(tmpdir(), 'cxr-completion-')), 'cxr.bash');
    writeFileSync(script, bashCompletion(table));
    const complete = (words: string[]) =>
      execFileSync(
        'bash',
        [
          '-c',
          `source ${script}; COMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; _cxr; echo "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      ).trim();
    expect(complete(['cxr', 'se']).split(' ').sort()).toEqual(['search', 'serve']);
    expect(complete(['cxr', 'search', '--fil'])).toBe('--filter');
    expect(complete(['cxr', 'import', '--allow'])).toBe('--allow-missing-images');
  });
});
