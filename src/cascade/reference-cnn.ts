import * as tf from '@tensorflow/tfjs';
import { BatchNorm } from './layers/batch-norm.js';

/** The network `bench:backends` and the quickstart train: 4 × (conv 3×3 → batch-norm → ReLU → max-pool 2), global pooling, dense head. */
export interface ReferenceCnnOptions {
  /** Square input side in pixels. Default 128. */
  inputSize?: number;
  /** Output classes. Default 14 (ChestX-ray14's findings). */
  classes?: number;
  /** Filters per block. Default [16, 32, 64, 128]. */
  filters?: readonly number[];
  /** SGD learning rate (momentum 0.9, as in the paper). Default 0.01. */
  learningRate?: number;
  /** Seed for the weight initialisers, so runs are comparable. Default 1. */
  seed?: number;
}

export const REFERENCE_CNN_DEFAULTS: Required<ReferenceCnnOptions> = {
  inputSize: 128,
  classes: 14,
  filters: [16, 32, 64, 128],
  learningRate: 0.01,
  seed: 1,
};

export function referenceCnn(options: ReferenceCnnOptions = {}): tf.LayersModel {
  const o = { ...REFERENCE_CNN_DEFAULTS, ...options };
  const input = tf.input({ shape: [o.inputSize, o.inputSize, 1] });
  let x: tf.SymbolicTensor = input;
  o.filters.forEach((filters, block) => {
    const kernelInitializer = tf.initializers.heNormal({ seed: o.seed + block });
    x = tf.layers
      .conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer })
      .apply(x) as tf.SymbolicTensor;
    x = new BatchNorm().apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const kernelInitializer = tf.initializers.glorotUniform({ seed: o.seed + o.filters.length });
  const output = tf.layers
    .dense({ units: o.classes, activation: 'softmax', kernelInitializer })
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: 'reference_cnn' });
  model.compile({
    optimizer: tf.train.momentum(o.learningRate, 0.9),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}
