import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './src/cascade/backend.js';
import { referenceCnn } from './src/cascade/reference-cnn.js';

await selectBackend('wasm');
const S = Number(process.argv[2] ?? 128);
const m = referenceCnn({ inputSize: S });
const x = tf.randomNormal([32, S, S, 1]);
const y = tf.oneHot(tf.randomUniform([32], 0, 14, 'int32') as tf.Tensor1D, 14).toFloat();
for (let i = 0; i < 12; i++) {
  const t = performance.now();
  await m.trainOnBatch(x, y);
  console.log(
    i,
    (performance.now() - t).toFixed(0),
    'ms',
    tf.memory().numTensors,
    ((tf.engine().backend as any).wasm.HEAPU8.length / 1e6) | 0,
    'MB heap',
  );
}
