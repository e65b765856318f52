/**
 * Trains ONE cascade with a benchmark configuration on the NIH sample's training patients and saves it as a bundle,
 * with the benchmark's image list (file, patient, split, findings) beside it: what the offline experiments
 * (`embedding-choice.ts`) measure on without training again.
 *
 *   npx tsx bench/experiments/train-bundle.ts --out /tmp/real-bundle [--config defaults] [--size 112] [--data DIR]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../../src/cascade/backend.js';
import { saveBundle } from '../../src/cascade/bundle/save.js';
import { trainFromCatalog } from '../../src/cascade/train-catalog.js';
import { tempDir } from '../../test/helpers/fixtures.js';
import { CONFIGS } from '../real/configs.js';
import { nihSample } from '../real/dataset.js';
import { cpuSeconds } from '../real/scores.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/work/shared/data/nih-sample' },
    out: { type: 'string' },
    config: { type: 'string', default: 'defaults' },
    /** Overrides the configuration's CNN input side (an experiment, e.g. 112). */
    size: { type: 'string' },
  },
});
if (values.out === undefined) throw new Error('--out DIR is required');
const configured = CONFIGS[values.config as string];
if (configured === undefined) throw new Error(`unknown config ${values.config}`);
const options =
  values.size === undefined
    ? configured
    : { ...configured, cnn: { ...configured.cnn, inputSize: Number(values.size) } };

await selectBackend();
const data = await nihSample(values.data as string, tempDir('cxr-train-bundle-'));
const started = performance.now();
const cpu = process.cpuUsage();
const cascade = await trainFromCatalog(data.catalog, {
  dataset: data.dataset,
  cascade: options,
  onEpoch: (stage, stats) =>
    process.stderr.write(`${stage} epoch ${stats.epoch}/${stats.epochs} ${stats.loss.toFixed(3)}\n`),
});
const seconds = (performance.now() - started) / 1000;
const cpuUsed = cpuSeconds(process.cpuUsage(cpu));
await saveBundle(cascade, values.out);
cascade.dispose();
data.catalog.close();
writeFileSync(
  join(values.out, 'bench-images.json'),
  `${JSON.stringify(
    {
      config: values.config,
      options,
      trainingSeconds: seconds,
      trainingCpuSeconds: cpuUsed,
      images: data.images.map((image) => ({ ...image, findings: [...image.findings] })),
    },
    null,
    1,
  )}\n`,
);
console.log(`saved ${values.out}: ${seconds.toFixed(0)} s (CPU ${cpuUsed.toFixed(0)} s)`);
