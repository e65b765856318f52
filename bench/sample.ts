/**
 * Throughput of the sample generator at 256² (the issue asks ≥ 200 images/s on one core): rendering alone on the
 * main thread, then the whole `cxr sample` path (render, PNG encode, XML, files). `npm run bench:sample -- [count]`.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderStudy, sampleStudy, writeSampleDataset } from '../src/datasets/sample/generate.js';

const count = Number(process.argv[2] ?? 1000);
const size = 256;
for (let i = 1; i <= 50; i++) renderStudy(sampleStudy(1, i), 1, size); // warm the JIT
let started = performance.now();
for (let i = 1; i <= count; i++) renderStudy(sampleStudy(1, i), 1, size);
const renderRate = count / ((performance.now() - started) / 1000);
const out = join(tmpdir(), `cxr-bench-sample-${process.pid}`);
started = performance.now();
await writeSampleDataset(out, { count, size, seed: 1 });
const writeRate = count / ((performance.now() - started) / 1000);
rmSync(out, { recursive: true, force: true });
console.log(`sample generator, ${count} images at ${size}²:`);
console.log(`  render only (one core, main thread): ${renderRate.toFixed(0)} images/s`);
console.log(`  cxr sample end to end (render + PNG + XML + files): ${writeRate.toFixed(0)} images/s`);
