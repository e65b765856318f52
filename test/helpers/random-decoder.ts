import * as tf from '@tensorflow/tfjs';
import { RnnDecoder, type RnnOptions } from '../../src/cascade/models/rnn.js';
import { seededValues } from './compare.js';

/**
 * A small decoder (2 layers, 24 units, 9 words, 12-d embeddings) with seeded weights larger than its
 * initialisation, so that its annotations vary from image to image. `options` may change the cell and word input.
 */
export function randomDecoder(options: Pick<RnnOptions, 'cell' | 'words'> = {}): RnnDecoder {
  const decoder = new RnnDecoder({ ...options, layers: 2, units: 24, vocabularySize: 9, embeddingSize: 12, seed: 4 });
  const values = decoder.variables.map((v, i) =>
    tf.tensor(
      seededValues(v.size, 40 + i).map((x) => x * 1.5),
      v.shape,
    ),
  );
  decoder.setWeights(values);
  tf.dispose(values);
  return decoder;
}
