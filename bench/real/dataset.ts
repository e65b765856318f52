/**
 * The benchmark's data: a real collection imported and mined into a temporary catalog, and every labelled image
 * with its file, patient, mined split and the finding headings its annotations give it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFormat } from '../../src/datasets/formats.js';
import { resolveInside } from '../../src/datasets/paths.js';
import { mineLabels } from '../../src/labels/mine.js';
import type { Split } from '../../src/labels/splits.js';
import { Catalog } from '../../src/store/catalog.js';

export interface LabelledImage {
  id: string;
  file: string;
  patient: string;
  split: Split;
  /** Annotation headings (`pneumonia`, `normal`, `pleural thickening`…), underscores read as spaces. */
  findings: Set<string>;
}

export interface BenchData {
  catalog: Catalog;
  dataset: string;
  images: LabelledImage[];
  /** What the split is and where it came from (mining, or the publisher's folders as far as mining kept them). */
  splitNote: string;
}

export const NORMAL = 'normal';
export const PNEUMONIA = 'pneumonia';

/** NIH ChestX-ray14 sample: the published label CSV through the chestxray14 importer; splits by patient (mining). */
export async function nihSample(dir: string, work: string): Promise<BenchData> {
  const catalog = Catalog.open(join(work, 'nih-sample.sqlite'));
  const { dataset } = await importFormat(catalog, 'chestxray14', join(dir, 'Data_Entry_2017_v2020.csv'), {
    images: join(dir, 'images'),
  });
  mineLabels(catalog, { dataset });
  return { catalog, dataset, images: labelledImages(catalog, dataset), splitNote: 'mined (80/10/10 by patient)' };
}

/**
 * nih-64 with the publisher's folders (`{train,valid,test}/{0_normal,1_abnormal}`) as the split: a manifest with a
 * split column, labels from its CSV. The publisher's split is not by patient, and mining keeps a patient's images
 * in one split, so the manifest names no patient (each image is its own group): published test and validation
 * images stay exactly where they are, though mining still moves some train images to validation. The bootstrap
 * still resamples by patient (from the CSV); the note says how many test patients also have training images.
 */
export async function nih64(dir: string, work: string): Promise<BenchData> {
  const manifest = join(work, 'nih-64.csv');
  const published = writeNih64Manifest(dir, manifest);
  const catalog = Catalog.open(join(work, 'nih-64.sqlite'));
  const { dataset } = await importFormat(catalog, 'manifest', manifest, { images: dir, dataset: 'nih-64' });
  mineLabels(catalog, { dataset });
  const images = labelledImages(catalog, dataset).map((image) => {
    const entry = published.get(image.id.slice(dataset.length + 1));
    return { ...image, patient: entry?.patient ?? image.patient, published: entry?.split };
  });
  const moved = images.filter((image) => image.published !== image.split).length;
  const trainPatients = new Set(images.filter((image) => image.split === 'train').map((image) => image.patient));
  const testPatients = new Set(images.filter((image) => image.split === 'test').map((image) => image.patient));
  const shared = [...testPatients].filter((patient) => trainPatients.has(patient)).length;
  const splitNote =
    `the publisher's folders (not by patient): mining moved ${moved} of ${images.length} images ` +
    `(train → validation); ${shared} of ${testPatients.size} test patients also have training images`;
  return { catalog, dataset, images, splitNote };
}

const FOLDER_SPLITS: Record<string, Split> = { train: 'train', valid: 'validation', test: 'test' };

/** Writes the manifest (image, labels, split) and returns each image's published split and patient. */
function writeNih64Manifest(dir: string, path: string): Map<string, { split: Split; patient: string }> {
  const rows = new Map(
    readFileSync(join(dir, 'Data_Entry_2017_v2020.csv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => line.split(','))
      .map(([name, labels, , patient]) => [name as string, { labels: labels as string, patient: patient as string }]),
  );
  const lines = ['image,labels,split'];
  const published = new Map<string, { split: Split; patient: string }>();
  for (const [folder, split] of Object.entries(FOLDER_SPLITS)) {
    for (const label of ['0_normal', '1_abnormal']) {
      for (const name of readdirSync(join(dir, folder, label))
        .filter((file) => file.endsWith('.png'))
        .sort()) {
        const row = rows.get(name);
        if (row === undefined) continue;
        const image = `${folder}/${label}/${name}`;
        lines.push(`${image},${row.labels},${split}`);
        published.set(image, { split, patient: row.patient });
      }
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return published;
}

interface Row {
  id: string;
  path: string;
  split: Split;
  patient: string | null;
  study: string;
  root: string | null;
  headings: string | null;
}

/** Every mined image (classed or not) with its file and positive annotation headings. */
export function labelledImages(catalog: Catalog, dataset: string): LabelledImage[] {
  const rows = catalog.db
    .prepare(
      `SELECT l.image_id AS id, i.path, l.split, s.patient_id AS patient, s.id AS study, d.root,
         (SELECT group_concat(DISTINCT a.heading) FROM annotations a
          WHERE a.study_id = i.study_id AND (a.image_id IS NULL OR a.image_id = i.id) AND a.certainty = 'positive') AS headings
       FROM image_labels l JOIN images i ON i.id = l.image_id JOIN studies s ON s.id = i.study_id
       LEFT JOIN dataset_roots d ON d.dataset = s.dataset
       WHERE s.dataset = ? AND i.path IS NOT NULL AND i.status IN ('ok', 'unverified') ORDER BY l.image_id`,
    )
    .all(dataset) as Row[];
  return rows.map((row) => ({
    id: row.id,
    file: resolveInside(row.root ?? '.', row.path),
    patient: row.patient ?? row.study,
    split: row.split,
    findings: new Set((row.headings ?? '').split(',').filter(Boolean).map(headingName)),
  }));
}

/** `pleural_thickening` → `pleural thickening`: headings and the head's findings compare alike. */
export function headingName(heading: string): string {
  return heading.replace(/_/g, ' ').trim().toLowerCase();
}
