import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { QUICKSTART_STUDIES, QUICKSTART_TRAINING, registerQuickstartCommand } from '../../src/cli/quickstart.js';
import { registerTrainCommand } from '../../src/cli/train.js';

function command(name: 'quickstart' | 'train'): Command {
  const program = new Command();
  if (name === 'quickstart') registerQuickstartCommand(program);
  else registerTrainCommand(program);
  return program.commands.find((c) => c.name() === name) as Command;
}

describe('cxr quickstart training defaults', () => {
  it('trains the sample with its own count and training defaults, the rest are cxr train’s', () => {
    const options = command('quickstart').opts();
    expect(options.count).toBe(String(QUICKSTART_STUDIES));
    expect(options).toMatchObject(QUICKSTART_TRAINING);
    // What the quickstart does not set comes from the sample profile (undefined here, resolved at training).
    expect(options).toMatchObject({ profile: 'auto', seed: '1' });
    expect(options.architecture).toBeUndefined();
  });

  it('cxr train sets no training default itself: the collection profile chooses', () => {
    const options = command('train').opts();
    expect(options).toMatchObject({ profile: 'auto', seed: '1' });
    for (const name of ['size', 'width', 'epochs', 'rnnEpochs', 'iterations']) expect(options[name]).toBeUndefined();
  });

  it('lets every quickstart default be overridden on the command line', () => {
    const quickstart = command('quickstart');
    quickstart.parseOptions(['--count', '150', '--size', '64', '--width', '1', '--epochs', '2', '--rnn-epochs', '3']);
    expect(quickstart.opts()).toMatchObject({ count: '150', size: '64', width: '1', epochs: '2', rnnEpochs: '3' });
  });
});
