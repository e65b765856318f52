import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './src/cascade/backend.js';
import { referenceCnn } from './src/cascade/reference-cnn.js';

await selectBackend(process.argv[3] ?? ('wasm' as never));
const S = Number(process.argv[2] ?? 128);
const m = referenceCnn({ inputSize: S });
const x = tf.randomNormal([32, S, S, 1]);
const y = tf.oneHot(tf.randomUniform([32], 0, 14, 'int32') as tf.Tensor1D, 14).toFloat();
await m.trainOnBatch(x, y);
const info = await tf.profile(async () => {
  await m.trainOnBatch(x, y);
});
console.log(
  'peak MB',
  (info.peakBytes / 1e6).toFixed(0),
  'heap',
  ((tf.engine().backend as any).wasm?.HEAPU8.length / 1e6) | 0,
);
const big = info.kernels
  .filter((k) => k.totalBytesSnapshot > 0)
  .sort((a, b) => b.totalBytesSnapshot - a.totalBytesSnapshot)
  .slice(0, 5)
  .map((k) => [k.name, (k.totalBytesSnapshot / 1e6) | 0]);
console.log(big);
