#!/usr/bin/env node
import { Command } from 'commander';
import { isCxrError } from '../errors.js';
import { sqliteFault } from '../store/open-database.js';
import { registerAddCommand } from './add.js';
import { registerAnnotateCommand } from './annotate.js';
import { registerBackendsCommand } from './backends.js';
import { registerBuildCommand } from './build.js';
import { registerEvalCommand } from './eval.js';
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

const program = new Command()
  .name('cxr')
  .description('Semantic search for chest X-ray collections (Shin et al., CVPR 2016)')
  .showHelpAfterError();

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

try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  const error = sqliteFault(thrown) ?? thrown; // a damaged or read-only index file, named, not a SqliteError stack
  if (isCxrError(error)) {
    process.stderr.write(`cxr: ${error.code}: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
