import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { BatchNorm } from '../layers/batch-norm.js';
import { SeededDropout } from '../layers/seeded-dropout.js';

export const CnnOptions = z.object({
  architecture: z.enum(['nin', 'inception']).default('nin'),
  /** Square input side. The paper: 256 resized, 224 cropped; on CPU backends 128 is the practical default. */
  inputSize: z.number().int().min(32).max(512).default(128),
  classes: z.number().int().min(2),
  /** Outputs of the per-finding (multi-label) head: one sigmoid per finding; 0 builds the network without it. */
  findings: z.number().int().min(0).default(0),
  /** Channel multiplier: 1 is this project's CPU-sized network, larger is closer to the paper's. */
  width: z.number().positive().max(8).default(1),
  /**
   * `global`: the embedding is global average pooling, as in NIN and GoogLeNet. `pyramid` adds 2×2 region
   * pooling, so the embedding still says on which side a finding is (with global pooling alone a small network
   * told left from right effusion no better than chance on the sample; with regions it did).
   */
  pooling: z.enum(['global', 'pyramid']).default('pyramid'),
  dropout: z.number().min(0).max(0.9).default(0.3),
  /**
   * Weight of the old value in batch-norm's moving statistics. 0.9, not Keras's 0.99: a few hundred steps on a CPU
   * do not move 0.99 averages far enough from their start, and inference then sees the wrong statistics.
   */
  batchNormMomentum: z.number().min(0).max(0.999).default(0.9),
  seed: z.number().int().default(1),
});
export type CnnOptions = z.input<typeof CnnOptions>;

export interface Cnn {
  /** Image → class probabilities (softmax). */
  classifier: tf.LayersModel;
  /** Image → [class probabilities, finding probabilities] (or the classifier, without a finding head): what is trained and saved. */
  network: tf.LayersModel;
  /** Outputs of the finding head (0: none). */
  findingCount: number;
  /** Image → pooled embedding (the same layers; what the RNN starts from and what search indexes). */
  embedder: tf.LayersModel;
  /** Image → [embedding, class probabilities, finding probabilities?] in one forward pass, for evaluation. */
  readout: tf.LayersModel;
  embeddingSize: number;
  dispose(): void;
}

/** The cascade's CNN: Network-in-Network with batch normalisation (default) or a GoogLeNet-style inception net. */
export function createCnn(input: CnnOptions): Cnn {
  const options = CnnOptions.parse(input);
  const image = tf.input({ shape: [options.inputSize, options.inputSize, 1], name: 'image' });
  const ids = { next: options.seed, momentum: options.batchNormMomentum };
  const features =
    options.architecture === 'nin'
      ? ninFeatures(image, options.width, ids)
      : inceptionFeatures(image, options.width, ids);
  const pooled = pool(features, options.pooling);
  // Seeded, so that training is deterministic per seed (tf.layers.dropout is not).
  const embedding = new SeededDropout({ rate: options.dropout, seed: options.seed, name: 'embedding_dropout' }).apply(
    pooled,
  ) as tf.SymbolicTensor;
  const probabilities = tf.layers
    .dense({
      units: options.classes,
      activation: 'softmax',
      name: 'classes',
      kernelInitializer: tf.initializers.glorotUniform({ seed: ids.next++ }),
    })
    .apply(embedding) as tf.SymbolicTensor;
  const findings = findingHead(embedding, options.findings, ids);
  const heads = findings === undefined ? [probabilities] : [probabilities, findings];
  const classifier = tf.model({ inputs: image, outputs: probabilities, name: `cnn_${options.architecture}` });
  const network =
    findings === undefined
      ? classifier
      : tf.model({ inputs: image, outputs: heads, name: `cnn_${options.architecture}_findings` });
  const embedder = tf.model({ inputs: image, outputs: pooled, name: `cnn_${options.architecture}_embedding` });
  const readout = tf.model({
    inputs: image,
    outputs: [pooled, ...heads],
    name: `cnn_${options.architecture}_readout`,
  });
  return {
    classifier,
    network,
    findingCount: options.findings,
    embedder,
    readout,
    embeddingSize: pooled.shape.at(-1) as number,
    // The network holds every layer the other models have: disposing it frees all weights.
    dispose: () => network.dispose(),
  };
}

/** The name of the finding head's layer (its outputs are sigmoids, one per finding). */
export const FINDINGS_LAYER = 'findings';

/** One sigmoid per finding on the same (dropped-out) embedding as the class softmax. */
function findingHead(embedding: tf.SymbolicTensor, count: number, seeds: Seeds): tf.SymbolicTensor | undefined {
  if (count === 0) return undefined;
  return tf.layers
    .dense({
      units: count,
      activation: 'sigmoid',
      name: FINDINGS_LAYER,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next++ }),
    })
    .apply(embedding) as tf.SymbolicTensor;
}

type Seeds = { next: number; momentum: number };

/** conv → batch-norm → ReLU, the unit both architectures are built of. */
function convUnit(
  x: tf.SymbolicTensor,
  filters: number,
  kernel: number,
  strides: number,
  seeds: Seeds,
): tf.SymbolicTensor {
  const conv = tf.layers.conv2d({
    filters,
    kernelSize: kernel,
    strides,
    padding: 'same',
    useBias: false,
    kernelInitializer: tf.initializers.heNormal({ seed: seeds.next++ }),
  });
  const normalised = new BatchNorm({ momentum: seeds.momentum }).apply(conv.apply(x)) as tf.SymbolicTensor;
  return tf.layers.reLU().apply(normalised) as tf.SymbolicTensor;
}

const maxPool = (x: tf.SymbolicTensor, size = 3, strides = 2) =>
  tf.layers.maxPooling2d({ poolSize: size, strides, padding: 'same' }).apply(x) as tf.SymbolicTensor;

/** Lin et al.'s mlpconv blocks (k×k conv, two 1×1 convs), each followed by 3×3/2 max pooling. */
function ninFeatures(image: tf.SymbolicTensor, width: number, seeds: Seeds): tf.SymbolicTensor {
  const c = (n: number) => Math.max(4, Math.round(n * width));
  let x = convUnit(image, c(32), 5, 2, seeds);
  x = convUnit(x, c(32), 1, 1, seeds);
  x = maxPool(convUnit(x, c(32), 1, 1, seeds));
  x = convUnit(x, c(64), 5, 1, seeds);
  x = convUnit(x, c(64), 1, 1, seeds);
  x = maxPool(convUnit(x, c(64), 1, 1, seeds));
  x = convUnit(x, c(128), 3, 1, seeds);
  x = convUnit(x, c(128), 1, 1, seeds);
  return convUnit(x, c(128), 1, 1, seeds);
}

/** A GoogLeNet-style stem and inception modules (1×1; 1×1→3×3; 1×1→3×3→3×3 as in BN-Inception; pool→1×1). */
function inceptionFeatures(image: tf.SymbolicTensor, width: number, seeds: Seeds): tf.SymbolicTensor {
  const c = (n: number) => Math.max(4, Math.round(n * width));
  let x = maxPool(convUnit(image, c(32), 7, 2, seeds));
  x = maxPool(convUnit(convUnit(x, c(32), 1, 1, seeds), c(64), 3, 1, seeds));
  x = inceptionModule(x, [c(32), c(32), c(48), c(16), c(24), c(16)], seeds);
  x = maxPool(inceptionModule(x, [c(48), c(48), c(64), c(24), c(32), c(32)], seeds));
  return inceptionModule(x, [c(64), c(64), c(96), c(32), c(48), c(48)], seeds);
}

function inceptionModule(
  x: tf.SymbolicTensor,
  [one, threeReduce, three, doubleReduce, double, poolProjection]: number[],
  seeds: Seeds,
): tf.SymbolicTensor {
  const branches = [
    convUnit(x, one as number, 1, 1, seeds),
    convUnit(convUnit(x, threeReduce as number, 1, 1, seeds), three as number, 3, 1, seeds),
    convUnit(
      convUnit(convUnit(x, doubleReduce as number, 1, 1, seeds), double as number, 3, 1, seeds),
      double as number,
      3,
      1,
      seeds,
    ),
    convUnit(maxPool(x, 3, 1), poolProjection as number, 1, 1, seeds),
  ];
  return tf.layers.concatenate().apply(branches) as tf.SymbolicTensor;
}

function pool(features: tf.SymbolicTensor, pooling: 'global' | 'pyramid'): tf.SymbolicTensor {
  const global = tf.layers.globalAveragePooling2d({ name: 'global_pool' }).apply(features) as tf.SymbolicTensor;
  if (pooling === 'global') return global;
  const side = features.shape[1] as number;
  const half = Math.max(1, Math.ceil(side / 2));
  const regions = tf.layers
    .averagePooling2d({ poolSize: half, strides: half, padding: 'same', name: 'region_pool' })
    .apply(features) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: 'region_flat' }).apply(regions) as tf.SymbolicTensor;
  return tf.layers.concatenate({ name: 'embedding' }).apply([global, flat]) as tf.SymbolicTensor;
}
