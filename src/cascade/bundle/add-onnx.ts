import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cxrError } from '../../errors.js';
import { exportCnnToOnnx } from '../onnx/export-cnn.js';
import { ONNX_FINAL, ONNX_FIRST } from '../onnx/onnx-annotator.js';
import type { BundleManifest } from './format.js';
import { loadBundle, loadLayers } from './load.js';
import { contentHash } from './save.js';

/**
 * Adds the ONNX models to a bundle saved without them (bundles from before ONNX export): exports both CNNs, then
 * rewrites the manifest with the new content hash (temporary file + rename). Checks the bundle first.
 */
export async function addOnnxToBundle(dir: string): Promise<BundleManifest> {
  (await loadBundle(dir, { runtime: 'tfjs' })).dispose(); // refuses a missing, foreign or corrupt bundle
  const manifestPath = join(dir, 'bundle.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as BundleManifest;
  for (const [folder, file] of [
    ['cnn-first', ONNX_FIRST],
    ['cnn-final', ONNX_FINAL],
  ] as const) {
    const model = await loadLayers(join(dir, folder));
    try {
      await writeFile(join(dir, file), exportCnnToOnnx(model, manifest.embeddingLayer));
    } catch (error) {
      throw cxrError('INTERNAL', `ONNX export of ${folder} failed: ${(error as Error).message}`);
    } finally {
      model.dispose();
    }
  }
  const updated = { ...manifest, contentHash: await contentHash(dir) };
  await writeFile(`${manifestPath}.tmp`, `${JSON.stringify(updated, null, 2)}\n`);
  await rename(`${manifestPath}.tmp`, manifestPath);
  return updated;
}
