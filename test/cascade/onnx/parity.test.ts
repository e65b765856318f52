import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { addOnnxToBundle } from '../../../src/cascade/bundle/add-onnx.js';
import { loadBundle } from '../../../src/cascade/bundle/load.js';
import { contentHash, saveBundle } from '../../../src/cascade/bundle/save.js';
import { trainCascade } from '../../../src/cascade/cascade.js';
import type { RnnDecoder } from '../../../src/cascade/models/rnn.js';
import { OnnxDecoder } from '../../../src/cascade/onnx/onnx-decoder.js';
import { seededValues } from '../../helpers/compare.js';
import { tempDir } from '../../helpers/fixtures.js';
import { randomDecoder } from '../../helpers/random-decoder.js';
import { sampleTrainingSet } from '../../helpers/sample-training.js';

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
};

/** A small decoder with larger weights than its initialisation (annotations vary), saved as a bundle's rnn files. */
function savedRandomDecoder(cell: 'gru' | 'lstm', words: 'learned' | 'one-hot'): { decoder: RnnDecoder; dir: string } {
  const dir = tempDir();
  const decoder = randomDecoder({ cell, words });
  const data = decoder.variables.map((v) => v.dataSync() as Float32Array);
  writeFileSync(
    join(dir, 'rnn.bin'),
    Buffer.concat(data.map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength))),
  );
  writeFileSync(
    join(dir, 'rnn.json'),
    JSON.stringify({ options: decoder.options, shapes: decoder.variables.map((v) => v.shape) }),
  );
  return { decoder, dir };
}

describe('ONNX Runtime annotator', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  for (const [cell, words] of [
    ['gru', 'learned'],
    ['lstm', 'one-hot'],
  ] as const) {
    it(`the ONNX decoder writes what the TensorFlow.js decoder writes (${cell}, ${words} words)`, async () => {
      const { decoder, dir } = savedRandomDecoder(cell, words);
      const embeddings = Array.from({ length: 16 }, (_, i) => Float32Array.from(seededValues(12, 100 + i)));
      const firstWords = embeddings.map((_, i) => 1 + (i % 8));
      const expected = tf.tidy(() =>
        decoder.greedy(tf.tensor2d(embeddings.map((e) => Array.from(e))), firstWords, 0, 6),
      );
      const batch = tf.tensor2d(embeddings.map((e) => Array.from(e)));
      const scored = decoder.greedyScored(batch, firstWords, 0, 6);
      const onnxDecoder = await OnnxDecoder.fromBundle(ort, dir, {});
      const fromOnnx = await onnxDecoder.greedyScored(embeddings, firstWords, 0, 6);
      expect(fromOnnx.map((d) => d.words)).toEqual(expected);
      for (const [i, d] of fromOnnx.entries()) {
        expect(maxAbs(d.probabilities, scored[i]?.probabilities ?? [])).toBeLessThan(1e-4);
      }
      // Beam search: width 1 is each runtime's greedy decoding exactly; wider, the runtimes write the same.
      expect(await onnxDecoder.beamScored(embeddings, firstWords, 0, 6, 1)).toEqual(fromOnnx);
      const before = tf.memory().numTensors;
      for (const width of [2, 3, 5]) {
        const tfjs = decoder.beamScored(batch, firstWords, 0, 6, width);
        const onnx = await onnxDecoder.beamScored(embeddings, firstWords, 0, 6, width);
        expect(onnx.map((d) => d.words)).toEqual(tfjs.map((d) => d.words));
        for (const [i, d] of onnx.entries()) {
          expect(maxAbs(d.probabilities, tfjs[i]?.probabilities ?? [])).toBeLessThan(1e-4);
        }
        if (width === 3) expect(tfjs.map((d) => d.words)).not.toEqual(expected); // the beam changed some
      }
      expect(tf.memory().numTensors).toBe(before);
      batch.dispose();
      onnxDecoder.release();
      expect(new Set(expected.map((s) => s.join())).size).toBeGreaterThan(3);
      decoder.dispose();
    });
  }

  it('a trained bundle (read at shifted views) annotates the held-out images alike in ONNX Runtime and TensorFlow.js', async () => {
    const { set, mined, out } = await sampleTrainingSet({
      count: 200,
      seed: 21,
      minCases: 10,
      minHeldOut: 2,
      inputSize: 48,
    });
    const cascade = await trainCascade(
      set,
      mined.classes.map((c) => c.name),
      {
        cnn: { inputSize: 48, width: 0.25 },
        cnnTraining: { epochs: 1 },
        rnn: { units: 16 },
        rnnTraining: { epochs: 2 },
        iterations: 1,
        // Test-time views and the embedding centre are applied alike by both runtimes.
        views: 'shifts',
      },
    );
    const dir = join(tempDir(), 'bundle');
    await saveBundle(cascade, dir);
    cascade.dispose();
    const tfjs = await loadBundle(dir, { runtime: 'tfjs' });
    const onnx = await loadBundle(dir, { runtime: 'onnx' });
    expect([tfjs.runtime, onnx.runtime]).toEqual(['tfjs', 'onnx']);
    const held = set.examples.filter((e) => e.split !== 'train').map((e) => ({ data: e.pixels }));
    expect(held.length).toBeGreaterThanOrEqual(10);
    const before = tf.memory().numTensors;
    const [a, b] = [await tfjs.annotateDecoded(held), await onnx.annotateDecoded(held)];
    expect(tf.memory().numTensors).toBe(before);
    for (const [i, x] of a.entries()) {
      const y = b[i];
      expect(maxAbs(x.embeddings.final, y?.embeddings.final ?? [])).toBeLessThan(1e-4);
      expect(maxAbs(x.embeddings.first, y?.embeddings.first ?? [])).toBeLessThan(1e-4);
      expect(maxAbs(x.scores, y?.scores ?? [])).toBeLessThan(1e-4);
      // The finding head and the calibration agree too.
      expect(x.findings.length).toBeGreaterThan(0);
      expect(y?.findings.map((f) => f.finding)).toEqual(x.findings.map((f) => f.finding));
      expect(
        maxAbs(
          x.findings.map((f) => f.probability),
          y?.findings.map((f) => f.probability) ?? [],
        ),
      ).toBeLessThan(1e-4);
      expect(y?.sequence).toEqual(x.sequence);
      expect(y?.disease).toBe(x.disease);
      expect(Math.abs((y?.readingConfidence as number) - x.readingConfidence)).toBeLessThan(1e-4);
      expect(x.readingConfidence).toBeLessThanOrEqual(x.confidence + 1e-9);
      expect(x.readingConfidence).toBeGreaterThan(0);
    }
    const files = readdirSync(join(out, 'images'))
      .slice(0, 2)
      .map((f) => join(out, 'images', f));
    expect((await onnx.annotate(files)).map((r) => r.sequence)).toEqual(
      (await tfjs.annotate(files)).map((r) => r.sequence),
    );
    tfjs.dispose();
    onnx.dispose();

    // A wider beam (the load option) reads alike in both runtimes too; a width outside 1 … 10 is refused.
    const [tfjsBeam, onnxBeam] = [
      await loadBundle(dir, { runtime: 'tfjs', beam: 3 }),
      await loadBundle(dir, { runtime: 'onnx', beam: 3 }),
    ];
    const beforeBeam = tf.memory().numTensors;
    const [c, d] = [await tfjsBeam.annotateDecoded(held), await onnxBeam.annotateDecoded(held)];
    expect(tf.memory().numTensors).toBe(beforeBeam);
    expect(d.map((r) => r.sequence)).toEqual(c.map((r) => r.sequence));
    for (const [i, x] of c.entries()) {
      expect(Math.abs((d[i]?.readingConfidence as number) - x.readingConfidence)).toBeLessThan(1e-4);
    }
    tfjsBeam.dispose();
    onnxBeam.dispose();
    await expect(loadBundle(dir, { beam: 11 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });

    // A bundle from before ONNX export (no .onnx files, its hash over the rest) gets them from `cxr export-onnx`.
    const { rmSync, readFileSync } = await import('node:fs');
    rmSync(join(dir, 'cnn-first.onnx'));
    rmSync(join(dir, 'cnn-final.onnx'));
    const manifest = JSON.parse(readFileSync(join(dir, 'bundle.json'), 'utf8'));
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify({ ...manifest, contentHash: await contentHash(dir) }));
    await expect(loadBundle(dir, { runtime: 'onnx' })).rejects.toMatchObject({ code: 'BUNDLE_VERSION' });
    await addOnnxToBundle(dir);
    const upgraded = await loadBundle(dir);
    expect(upgraded.runtime).toBe('onnx');
    expect((await upgraded.annotateDecoded(held)).map((r) => r.sequence)).toEqual(a.map((r) => r.sequence));
    upgraded.dispose();
  });
});
