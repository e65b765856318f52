import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { CsvRecordSplitter, type CsvPiece } from './src/datasets/csv-records.js';
const files = ['/work/shared/data/label-files/Data_Entry_2017_v2020.csv.gz','/work/shared/data/label-files/chexpert_train_first2000.csv','/work/shared/data/label-files/BBox_List_2017.csv.gz','/work/shared/data/label-files/vinbigdata-train.csv.gz','/work/shared/data/label-files/siim-pneumothorax-train-rle.csv.gz','/work/shared/data/label-files/kaggle_stage_2_train_images_dicom_headers.csv.gz','/work/shared/data/label-files/google2019_nih-chest-xray-labels.csv.gz'];
for (const path of files) {
  const open = () => { const i = createReadStream(path); return path.endsWith('.gz') ? i.pipe(createGunzip()) : i; };
  let t = performance.now();
  const a: string[][] = [];
  for await (const r of open().pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }))) a.push(r);
  const ta = performance.now() - t; t = performance.now();
  const s = new CsvRecordSplitter(); const out: CsvPiece[] = []; const text = open(); text.setEncoding('utf8');
  for await (const c of text) s.push(c, out); s.end(out);
  const tb = performance.now() - t;
  const b = out.map((p) => ('values' in p ? p.values : ['ERR']));
  let diff = 0; for (let i = 0; i < Math.max(a.length, b.length); i++) if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) { if (diff++ < 2) console.log('diff', i, JSON.stringify(a[i]).slice(0,200), JSON.stringify(b[i]).slice(0,200)); }
  console.log(path.split('/').pop(), a.length, b.length, 'diffs', diff, `csv-parse ${ta.toFixed(0)} ms, ours ${tb.toFixed(0)} ms`);
}
