import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAddCommand } from './add.js';
import { registerAnnotateCommand } from './annotate.js';
import { registerBackendsCommand } from './backends.js';
import { registerBuildCommand } from './build.js';
import { registerCompletionCommand } from './completion.js';
import { registerEvalCommand } from './eval.js';
import { addExamples } from './examples.js';
import { EXIT_HELP } from './exit-codes.js';
import { registerExportOnnxCommand } from './export-onnx.js';
import { registerImportCommand } from './import.js';
import { registerLabelsCommand } from './labels.js';
import { registerReportMiningCommands } from './mine-reports.js';
import { registerQuickstartCommand } from './quickstart.js';
import { registerRelocateCommand } from './relocate.js';
import { registerRemoveCommand } from './remove.js';
import { registerSampleCommand } from './sample.js';
import { registerSearchCommand } from './search.js';
import { registerServeCommand } from './serve.js';
import { registerTrainCommand } from './train.js';

// dist/cli/program.js and src/cli/program.ts both sit two folders below package.json.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The `cxr` command line: every command registered, with its help, examples and exit-status table. */
export function createProgram(): Command {
  const program = new Command()
    .name('cxr')
    .description('Semantic search for chest X-ray collections (Shin et al., CVPR 2016)')
    .version(version, '-V, --version', 'print the version')
    .addHelpText('after', EXIT_HELP)
    // A mistake gets one line and a pointer, not the whole help again; exit status 2 (usage).
    .showHelpAfterError('(cxr <command> --help lists its options)')
    .exitOverride();

  registerQuickstartCommand(program);
  registerSampleCommand(program);
  registerImportCommand(program);
  registerLabelsCommand(program);
  registerReportMiningCommands(program);
  registerTrainCommand(program);
  registerBuildCommand(program);
  registerSearchCommand(program);
  registerAddCommand(program);
  registerRemoveCommand(program);
  registerRelocateCommand(program);
  registerServeCommand(program);
  registerExportOnnxCommand(program);
  registerAnnotateCommand(program);
  registerEvalCommand(program);
  registerBackendsCommand(program);
  registerCompletionCommand(program);
  addExamples(program);
  return program;
}
