import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp from 'sharp';
import { decodeGrey } from '../datasets/images/decode.js';
import { isDicom } from '../datasets/images/dicom.js';
import { checkRealPathWithin } from '../datasets/paths.js';
import { cxrError } from '../errors.js';

/**
 * An indexed image as a PNG no larger than `maxSide` (aspect kept): what the page shows. DICOM is decoded by the
 * project's reader (sharp cannot), everything else by sharp. Results are cached by (file, size), least recently
 * used first out. A file whose real path leaves the folder it must stay `within` (its dataset's, or the index's:
 * a symlink pointing elsewhere) is refused, IMAGE_OUTSIDE_DATASET, before the cache is asked: a link made later
 * is refused as well.
 */
export class ImageRenderer {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly capacity = 512) {}

  async png(file: string, maxSide: number, within?: string): Promise<Buffer> {
    if (within !== undefined) checkRealPathWithin(within, file, basename(file));
    const key = `${maxSide}:${file}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const png = await render(file, maxSide);
    this.cache.set(key, png);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value as string);
    return png;
  }
}

async function render(file: string, maxSide: number): Promise<Buffer> {
  const bytes = await readFile(file).catch(() => {
    throw cxrError('IMAGE_MISSING', 'the image file of this entry is no longer on disk');
  });
  const resize = { width: maxSide, height: maxSide, fit: 'inside' as const, withoutEnlargement: true };
  if (isDicom(bytes)) {
    const grey = await decodeGrey(bytes);
    const pixels = Uint8Array.from(grey.data, (v) => Math.round(v * 255));
    return sharp(pixels, { raw: { width: grey.width, height: grey.height, channels: 1 } })
      .resize(resize)
      .png()
      .toBuffer();
  }
  try {
    return await sharp(bytes, { failOn: 'error' }).resize(resize).png().toBuffer();
  } catch {
    throw cxrError('IMAGE_CORRUPT', 'the image file of this entry cannot be decoded');
  }
}
