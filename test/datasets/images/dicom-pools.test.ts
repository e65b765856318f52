import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeGrey } from '../../../src/datasets/images/decode.js';
import { createDecodePool } from '../../../src/datasets/images/decode-pool.js';
import { createUploadDecodePool } from '../../../src/datasets/images/upload-decode-pool.js';
import { writeDicomFile } from '../../helpers/dicom-files.js';
import { tempDir } from '../../helpers/fixtures.js';
import { generatedRadiograph } from '../../helpers/generated-radiograph.js';
import { encodeJpegLossless } from '../../helpers/jpeg-lossless-encode.js';
import { encodeRle } from '../../helpers/rle-encode.js';

// Nothing else in this file decodes on the test's own thread, so a codec module in its cache came from a decode here.
const loadedHere = () =>
  Object.keys(createRequire(import.meta.url).cache).filter((path) => /dcmjs-codecs|codec-charls/.test(path));

describe('compressed DICOM in the decode pools', () => {
  const dir = tempDir();
  const [W, H] = [120, 90];
  const samples = generatedRadiograph(W, H, 12, 11);
  const lossless = writeDicomFile(join(dir, 'lossless.dcm'), {
    width: W,
    height: H,
    bitsAllocated: 16,
    bitsStored: 12,
    transferSyntax: '1.2.840.10008.1.2.4.70',
    frames: [encodeJpegLossless(samples, W, H, 12, 1)],
  });
  const uncompressed = writeDicomFile(join(dir, 'native.dcm'), {
    width: W,
    height: H,
    bitsAllocated: 16,
    bitsStored: 12,
    samples,
  });
  const rle = writeDicomFile(join(dir, 'rle.dcm'), {
    width: W,
    height: H,
    bitsAllocated: 16,
    bitsStored: 12,
    transferSyntax: '1.2.840.10008.1.2.5',
    frames: [encodeRle(samples, W, H, 2)],
  });

  it('decode on worker threads and in upload processes, not on the caller’s thread, as the uncompressed file', async () => {
    const threads = createDecodePool({ size: 32, resize: 'area' }, 1);
    const processes = createUploadDecodePool({ size: 32, resize: 'area' }, 1);
    try {
      const reference = await threads.decode(uncompressed);
      for (const pool of [threads, processes]) {
        for (const file of [lossless, rle]) {
          const image = await pool.decode(file);
          expect([image.width, image.height]).toEqual([32, 32]);
          expect(Array.from(image.data)).toEqual(Array.from(reference.data));
        }
      }
      expect(loadedHere()).toEqual([]);
      // The probe sees a decode on this thread: the codec loads on the first compressed file, here as anywhere.
      await decodeGrey(lossless, 32);
      expect(loadedHere().length).toBeGreaterThan(0);
    } finally {
      await threads.close();
      await processes.close();
    }
  });

  it('a preview keeps the aspect (longer side at the size asked, never enlarged)', async () => {
    const previews = createUploadDecodePool({ size: 60, resize: 'area', fit: 'inside' }, 1);
    const large = createUploadDecodePool({ size: 500, resize: 'area', fit: 'inside' }, 1);
    try {
      const preview = await previews.decode(lossless);
      expect([preview.width, preview.height]).toEqual([60, 45]);
      const unenlarged = await large.decode(lossless);
      expect([unenlarged.width, unenlarged.height]).toEqual([W, H]);
    } finally {
      await previews.close();
      await large.close();
    }
  });
});
