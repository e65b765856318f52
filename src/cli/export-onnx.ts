import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import { addOnnxToBundle } from '../cascade/bundle/add-onnx.js';

/** `cxr export-onnx --bundle B`: ONNX models for a bundle trained before they were part of every bundle. */
export function registerExportOnnxCommand(program: Command): void {
  program
    .command('export-onnx')
    .description('Add ONNX models (for fast inference with ONNX Runtime) to a bundle saved without them')
    .option('--bundle <dir>', 'the model bundle', '.cxr/bundle')
    .action(async (options: { bundle: string }) => {
      await selectBackend('cpu');
      const manifest = await addOnnxToBundle(options.bundle);
      console.log(`${options.bundle}: ONNX models added; content hash ${manifest.contentHash.slice(0, 12)}`);
    });
}
