/**
 * How long the full published ChestX-ray14 label file takes to parse into records (the issue asks < 5 s).
 * `npm run bench:parse-labels -- [path to Data_Entry_2017_v2020.csv.gz]`; default: ../shared/data/label-files.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chestXray14Importer } from '../src/datasets/chestxray14.js';

const path = resolve(process.argv[2] ?? '../shared/data/label-files/Data_Entry_2017_v2020.csv.gz');
if (!existsSync(path)) {
  console.log(`no label file at ${path}; pass its path`);
  process.exit(0);
}
const runs: number[] = [];
let records = 0;
let boxes = 0;
for (let run = 0; run < 3; run++) {
  records = 0;
  boxes = 0;
  const started = performance.now();
  for await (const event of chestXray14Importer.read({ labels: path })) {
    if ('record' in event) {
      records++;
      boxes += event.record.annotations.filter((annotation) => annotation.box !== undefined).length;
    }
  }
  runs.push((performance.now() - started) / 1000);
}
console.log(
  `${path}: ${records} records, ${boxes} boxed findings; parse time ${runs.map((s) => `${s.toFixed(2)} s`).join(', ')} (best ${Math.min(...runs).toFixed(2)} s)`,
);
