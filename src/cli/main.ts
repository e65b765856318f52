#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isCxrError } from '../errors.js';
import { sqliteFault } from '../store/open-database.js';
import { registerAddCommand } from './add.js';
import { registerAnnotateCommand } from './annotate.js';
import { registerBackendsCommand } from './backends.js';
import { registerBuildCommand } from './build.js';
import { registerEvalCommand } from './eval.js';
import { EXIT, EXIT_HELP, exitCodeOf } from './exit-codes.js';
import { registerExportOnnxCommand } from './export-onnx.js';
import { registerImportCommand } from './import.js';
import { registerLabelsCommand } from './labels.js';
import { registerReportMiningCommands } from './mine-reports.js';
import { registerQuickstartCommand } from './quickstart.js';
import { registerRemoveCommand } from './remove.js';
import { registerSampleCommand } from './sample.js';
import { registerSearchCommand } from './search.js';
import { registerServeCommand } from './serve.js';
import { registerTrainCommand } from './train.js';

// dist/cli/main.js and src/cli/main.ts both sit two folders below package.json.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

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
registerServeCommand(program);
registerExportOnnxCommand(program);
registerAnnotateCommand(program);
registerEvalCommand(program);
registerBackendsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  // Commander has printed its own message (or the help / version, which exit 0).
  if (thrown instanceof CommanderError) process.exit(thrown.exitCode === 0 ? EXIT.ok : EXIT.usage);
  const error = sqliteFault(thrown) ?? thrown; // a damaged or read-only index file, named, not a SqliteError stack
  if (isCxrError(error)) {
    process.stderr.write(`cxr: ${error.code}: ${error.message}\n`);
    process.exit(exitCodeOf(error));
  }
  process.stderr.write('cxr: an internal fault (please report it with the trace below)\n');
  throw error;
}
