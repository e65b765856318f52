import { readFileSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/cascade/backend.js';
import { decodingOf } from '../../src/cascade/bundle/format.js';
import { loadBundle } from '../../src/cascade/bundle/load.js';
import { cascadeAnnotator, saveBundle } from '../../src/cascade/bundle/save.js';
import { type TrainedCascade, trainCascade } from '../../src/cascade/cascade.js';
import { cropPixels, viewPixels } from '../../src/cascade/data/batches.js';
import { viewOffsets } from '../../src/cascade/data/views.js';
import { applyCorrection } from '../../src/cascade/training/data-dropout.js';
import { decodeGrey } from '../../src/datasets/images/decode.js';
import { tempDir } from '../helpers/fixtures.js';
import { sampleTrainingSet } from '../helpers/sample-training.js';

describe('model bundles', () => {
  let cascade: TrainedCascade;
  let images: string[];
  const root = tempDir();

  beforeAll(async () => {
    await selectBackend('wasm');
    const { set, mined, out } = await sampleTrainingSet({ count: 200, seed: 21, minCases: 10, minHeldOut: 2 });
    cascade = await trainCascade(
      set,
      mined.classes.map((c) => c.name),
      {
        cnn: { inputSize: 64, width: 0.25, dropout: 0 },
        cnnTraining: { epochs: 1 },
        rnn: { units: 16, layers: 2 },
        rnnTraining: { epochs: 2 },
        iterations: 1,
      },
    );
    images = (await readdir(join(out, 'images'))).slice(0, 4).map((file) => join(out, 'images', file));
  });

  it('annotates the same when saved and loaded as when in memory; annotating leaks nothing', async () => {
    const dir = join(root, 'bundle');
    const manifest = await saveBundle(cascade, dir);
    expect(manifest.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const report = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(report).toContain('<h1>Training report</h1>');
    expect(report.match(/<polyline/g)).toHaveLength(2 * manifest.metrics.length); // CNN and RNN loss, per iteration
    expect(report.match(/<rect/g)).toHaveLength(4 * manifest.metrics.length); // BLEU-1…4, per iteration
    expect(report.match(/<table class="matrix">/g)).toHaveLength(manifest.metrics.length);
    expect(report).not.toMatch(/<script|https?:\/\//);
    // One ROC curve per finding of the head the test split can score.
    const scored = (manifest.metrics.at(-1) as { findings: unknown[] }).findings.length;
    expect(scored).toBeGreaterThan(0);
    expect(report.match(/<path d="M[^"]*" fill="none" stroke="#[0-9a-f]{6}" stroke-width="2"/g)).toHaveLength(scored);
    expect(report).toContain('class ECE before');
    const inMemory = await cascadeAnnotator(cascade).annotate(images);
    const loaded = await loadBundle(dir);
    const before = tf.memory().numTensors;
    const fromDisk = await loaded.annotate(images.map((path) => readFileSync(path)));
    expect(tf.memory().numTensors).toBe(before);
    expect(fromDisk.map((a) => [a.disease, a.sequence])).toEqual(inMemory.map((a) => [a.disease, a.sequence]));
    for (const [i, a] of fromDisk.entries()) {
      const b = inMemory[i];
      expect(a.confidence).toBeCloseTo(b?.confidence as number, 5);
      expect(
        Math.max(...a.embeddings.final.map((v, k) => Math.abs(v - (b?.embeddings.final[k] as number)))),
      ).toBeLessThan(1e-5);
      expect(a.embeddings.first.length).toBe(cascade.firstCnn.embeddingSize);
      expect(a.alternatives.length).toBeGreaterThan(0);
      expect(manifest.baseClasses).toContain(a.disease);
      // The finding head, named and calibrated, alike from memory and from disk.
      expect(a.findings.map((f) => f.finding)).toEqual(manifest.findings);
      for (const [f, finding] of a.findings.entries()) {
        expect(finding.probability).toBeGreaterThan(0);
        expect(finding.probability).toBeLessThan(1);
        expect(finding.probability).toBeCloseTo(b?.findings[f]?.probability as number, 5);
      }
    }
    expect(manifest.findings?.length as number).toBeGreaterThan(0);
    expect(manifest.calibration?.findings).toHaveLength(manifest.findings?.length as number);
    expect(manifest.calibration?.classTemperature as number).toBeGreaterThan(0);
    loaded.dispose();
  });

  it('records its resize kernel; a bundle from before that was recorded reads images with lanczos3 as it was trained', async () => {
    const dir = join(root, 'bundle-legacy');
    const manifest = await saveBundle(cascade, dir);
    expect(manifest.preprocessing.resize).toBe('area');
    const manifestPath = join(dir, 'bundle.json');
    const { resize: _, ...legacyPreprocessing } = manifest.preprocessing;
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, preprocessing: legacyPreprocessing }));
    const legacy = await loadBundle(dir, { runtime: 'tfjs' });
    expect(decodingOf(legacy.manifest)).toEqual({ size: manifest.preprocessing.decodeSize, resize: 'lanczos3' });
    const size = manifest.preprocessing.decodeSize;
    const [viaFile] = await legacy.annotate([images[0] as string]);
    const [lanczos] = await legacy.annotateDecoded([await decodeGrey(images[0] as string, size, 'lanczos3')]);
    const [area] = await legacy.annotateDecoded([await decodeGrey(images[0] as string, size, 'area')]);
    expect(viaFile?.embeddings.final).toEqual(lanczos?.embeddings.final);
    expect(viaFile?.embeddings.final).not.toEqual(area?.embeddings.final);
    legacy.dispose();
  });

  it('a bundle from before the finding head and calibration reads its class probabilities as before, in both runtimes', async () => {
    const { set, mined } = await sampleTrainingSet({ count: 200, seed: 21, minCases: 10, minHeldOut: 2 });
    const old = await trainCascade(
      set,
      mined.classes.map((c) => c.name),
      {
        cnn: { inputSize: 64, width: 0.25, dropout: 0 },
        cnnTraining: { epochs: 1 },
        rnn: { units: 16 },
        rnnTraining: { epochs: 1 },
        iterations: 0,
        findings: { enabled: false },
      },
    );
    const dir = join(root, 'bundle-before-findings');
    const manifest = await saveBundle(old, dir);
    const { calibration: _, findings: __, ...before } = manifest;
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(before));
    const pixels = set.examples.slice(0, 6).map((e) => e.pixels);
    const crops = tf.tensor4d(cropPixels(pixels, set.size, 64), [pixels.length, 64, 64, 1]);
    const raw = tf.tidy(() => old.finalCnn.classifier.predict(crops) as tf.Tensor).arraySync() as number[][];
    crops.dispose();
    for (const runtime of ['tfjs', 'onnx'] as const) {
      const loaded = await loadBundle(dir, { runtime });
      const annotations = await loaded.annotateDecoded(pixels.map((data) => ({ data })));
      for (const [i, a] of annotations.entries()) {
        expect(a.findings).toEqual([]);
        const expected = applyCorrection(raw[i] as number[], manifest.priorCorrection ?? []);
        expect(Math.max(...a.scores.map((s, c) => Math.abs(s - (expected[c] as number))))).toBeLessThan(1e-4);
      }
      loaded.dispose();
    }
    old.dispose();
  });

  it('reads images at its views, averaged, and indexes embeddings less their training mean; without either, as before', async () => {
    const { set, mined } = await sampleTrainingSet({ count: 200, seed: 21, minCases: 10, minHeldOut: 2 });
    const shifted = await trainCascade(
      set,
      mined.classes.map((c) => c.name),
      {
        cnn: { inputSize: 64, width: 0.25, dropout: 0 },
        cnnTraining: { epochs: 1 },
        rnn: { units: 16 },
        rnnTraining: { epochs: 1 },
        iterations: 0,
        views: 'shifts',
      },
    );
    const dir = join(root, 'bundle-views');
    const manifest = await saveBundle(shifted, dir);
    const views = viewOffsets('shifts', set.size, 64);
    expect(manifest.preprocessing.views).toEqual(views);
    const centre = manifest.embeddingCentre?.final as number[];
    expect(centre).toHaveLength(shifted.finalCnn.embeddingSize);
    expect(manifest.embeddingCentre?.first).toEqual(centre); // no refinement: one CNN
    const pixels = set.examples.slice(0, 4).map((e) => e.pixels);
    const embed = (offset: [number, number]) =>
      tf.tidy(() =>
        (
          shifted.finalCnn.embedder.predict(
            tf.tensor4d(viewPixels(pixels, set.size, 64, offset), [pixels.length, 64, 64, 1]),
          ) as tf.Tensor
        ).arraySync(),
      ) as number[][];
    const perView = views.map(embed);
    const loaded = await loadBundle(dir, { runtime: 'tfjs' });
    const before = tf.memory().numTensors;
    const annotations = await loaded.annotateDecoded(pixels.map((data) => ({ data })));
    expect(tf.memory().numTensors).toBe(before);
    for (const [i, a] of annotations.entries()) {
      const expected = centre.map((c, j) => perView.reduce((s, view) => s + (view[i]?.[j] as number), 0) / 5 - c);
      expect(Math.max(...a.embeddings.final.map((v, j) => Math.abs(v - (expected[j] as number))))).toBeLessThan(1e-4);
    }
    loaded.dispose();
    // A bundle from before views and centres: the centre crop alone, embeddings as the CNN gives them.
    const { embeddingCentre: _, ...older } = manifest;
    const { views: __, ...preprocessing } = manifest.preprocessing;
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify({ ...older, preprocessing }));
    const centreCrop = embed(viewOffsets('centre', set.size, 64)[0] as [number, number]);
    for (const runtime of ['tfjs', 'onnx'] as const) {
      const legacy = await loadBundle(dir, { runtime });
      for (const [i, a] of (await legacy.annotateDecoded(pixels.map((data) => ({ data })))).entries()) {
        const raw = centreCrop[i] as number[];
        expect(Math.max(...a.embeddings.final.map((v, j) => Math.abs(v - (raw[j] as number))))).toBeLessThan(1e-4);
      }
      legacy.dispose();
    }
    shifted.dispose();
  });

  it('refuses a missing bundle, another version and changed files, with codes', async () => {
    await expect(loadBundle(join(root, 'nowhere'))).rejects.toMatchObject({ code: 'BUNDLE_NOT_FOUND' });
    const dir = join(root, 'bundle-2');
    await saveBundle(cascade, dir);
    const manifestPath = join(dir, 'bundle.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: 999 }));
    await expect(loadBundle(dir)).rejects.toMatchObject({ code: 'BUNDLE_VERSION' });
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const weights = readFileSync(join(dir, 'rnn.bin'));
    weights[0] = (weights[0] as number) ^ 0xff;
    writeFileSync(join(dir, 'rnn.bin'), weights);
    await expect(loadBundle(dir)).rejects.toMatchObject({ code: 'BUNDLE_CORRUPT' });
  });

  it('replaces an existing bundle only once the new one is complete', async () => {
    const dir = join(root, 'bundle-3');
    const first = await saveBundle(cascade, dir);
    const second = await saveBundle(cascade, dir);
    expect(second.contentHash).toBe(first.contentHash);
    expect((await readdir(root)).filter((name) => name.includes('.tmp-') || name.includes('.old-'))).toEqual([]);
    cascade.dispose();
  });
});
