import { Catalog } from './src/store/catalog.js';
import { importFormat } from './src/datasets/formats.js';
import { rmSync } from 'node:fs';
rmSync('/tmp/scale/impprof', { recursive: true, force: true });
const catalog = Catalog.open('/tmp/scale/impprof/catalog.sqlite');
const t = performance.now();
const { summary } = await importFormat(catalog, 'chestxray14', '/work/shared/data/label-files/Data_Entry_2017_v2020.csv.gz', { allowMissingImages: true });
console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`, summary.written, `peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
catalog.close();
