import { existsSync } from 'node:fs';
import { cxrError } from '../errors.js';
import { headOfImage, imagesByStem } from './image-files.js';
import { oneImageStudy } from './one-image-study.js';
import type { AnnotationRecord, Box, ImportEvent, Importer, ImporterContext } from './record.js';
import { readLabelCsv } from './zip-csv.js';

export interface SiimOptions {
  /** `train-rle.csv` (`ImageId, EncodedPixels`; `-1` = no pneumothorax), one row per pneumothorax region. */
  labels: string;
  /** The image folder (`dicom-images-train/<study>/<series>/<ImageId>.dcm`, or PNG exports by the same names). */
  images?: string;
}

/** The challenge's images are all 1024×1024, the grid its masks are encoded on (the image's header says, if present). */
export const SIIM_IMAGE_SIZE = 1024;
export const SIIM_POSITIVE = 'Pneumothorax';
/** What `-1` states: no pneumothorax, which is not "normal" (SIIM's images come with every other finding). */
export const SIIM_NEGATIVE = 'No Pneumothorax';

/**
 * SIIM-ACR Pneumothorax: each mask row is one pneumothorax region, an annotation whose box (the mask's bounding
 * box) gives its side and zone; `-1` is "No Pneumothorax". Masks are decoded on the image's grid: its width and
 * height from its DICOM header when the image is there, else the challenge's 1024×1024; a mask that runs past the
 * grid is RECORD_INVALID. Patient, sex, age and view come from the DICOM header when the image is there.
 */
export const siimImporter: Importer<SiimOptions> = {
  name: 'siim',
  async *read(options: SiimOptions, context?: ImporterContext): AsyncIterable<ImportEvent> {
    if (!existsSync(options.labels))
      throw cxrError('DATASET_NOT_FOUND', `no label file at ${options.labels}`, { path: options.labels });
    const masks = new Map<string, string[]>();
    for await (const event of readLabelCsv(options.labels, { required: ['ImageId', 'EncodedPixels'] })) {
      if ('skipped' in event) {
        yield event;
        continue;
      }
      const id = (event.row.ImageId as string).trim();
      const list = masks.get(id) ?? [];
      list.push((event.row.EncodedPixels as string).trim());
      masks.set(id, list);
    }
    context?.expectTotal?.(masks.size);
    const files = await imagesByStem(options.images);
    for (const [id, encoded] of masks) {
      const path = files.get(id) ?? `${id}.dcm`;
      const head = await headOfImage(options.images, path);
      const width = head?.width ?? SIIM_IMAGE_SIZE;
      const height = head?.height ?? SIIM_IMAGE_SIZE;
      const annotations: AnnotationRecord[] = [];
      let invalid: string | undefined;
      for (const rle of encoded) {
        if (rle === '-1' || rle === '') continue;
        const box = maskBox(rle, width, height);
        if (typeof box === 'string') invalid = box;
        else annotations.push({ kind: 'finding', raw: SIIM_POSITIVE, imageId: id, box });
      }
      if (invalid !== undefined) {
        yield { skipped: { code: 'RECORD_INVALID', item: id, message: invalid } };
        continue;
      }
      if (annotations.length === 0) annotations.push({ kind: 'finding', raw: SIIM_NEGATIVE, imageId: id });
      yield { record: oneImageStudy(id, path, head, { width, height }, annotations) };
    }
  },
};

/**
 * The bounding box of a SIIM run-length mask, or why it cannot be one. The encoding is the challenge's
 * (`mask_functions.rle2mask`): pairs of (gap since the previous run's end, run length) over the pixels numbered
 * column by column (the mask is stored transposed), so pixel n is at x = n ÷ height, y = n mod height.
 */
export function maskBox(rle: string, width: number, height: number): Box | string {
  const numbers = rle.split(/\s+/).map(Number);
  if (numbers.length % 2 !== 0 || numbers.some((n) => !Number.isInteger(n) || n < 0))
    return 'EncodedPixels is not pairs of whole numbers';
  let position = 0;
  let [x0, y0, x1, y1] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, -1, -1];
  for (let i = 0; i < numbers.length; i += 2) {
    position += numbers[i] as number;
    const length = numbers[i + 1] as number;
    if (length === 0) continue;
    const first = position;
    const last = position + length - 1;
    position += length;
    if (last >= width * height) return `the mask runs past the ${width}×${height} image`;
    const [firstX, lastX] = [Math.floor(first / height), Math.floor(last / height)];
    x0 = Math.min(x0, firstX);
    x1 = Math.max(x1, lastX);
    // A run within one column spans its rows; one wrapping into the next column spans them all.
    y0 = Math.min(y0, firstX === lastX ? first % height : 0);
    y1 = Math.max(y1, firstX === lastX ? last % height : height - 1);
  }
  if (x1 < 0) return 'EncodedPixels marks no pixel';
  return { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1, frameWidth: width, frameHeight: height };
}
