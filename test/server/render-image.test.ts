import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageRenderer } from '../../src/server/render-image.js';
import { tempDir, writeImage } from '../helpers/fixtures.js';

describe('ImageRenderer: files whose real path leaves their folder', () => {
  it('serves a file inside (also through a link that stays inside), refuses file and folder links leading out', async () => {
    const base = tempDir();
    const dataset = join(base, 'dataset');
    await writeImage(join(dataset, 'real', 'a.png'));
    await writeImage(join(base, 'elsewhere', 'secret.png'));
    mkdirSync(join(dataset, 'more'));
    symlinkSync(join(dataset, 'real'), join(dataset, 'alias'));
    symlinkSync(join(base, 'elsewhere', 'secret.png'), join(dataset, 'more', 'file-link.png'));
    symlinkSync(join(base, 'elsewhere'), join(dataset, 'folder-link'));
    const renderer = new ImageRenderer();
    for (const file of [join(dataset, 'real', 'a.png'), join(dataset, 'alias', 'a.png')]) {
      const png = await renderer.png(file, 64, dataset);
      expect((await sharp(png).metadata()).format).toBe('png');
    }
    for (const file of [join(dataset, 'more', 'file-link.png'), join(dataset, 'folder-link', 'secret.png')]) {
      await expect(renderer.png(file, 64, dataset)).rejects.toMatchObject({ code: 'IMAGE_OUTSIDE_DATASET' });
      // a file the index stores absolute (added from elsewhere) has no folder to stay within
      expect((await sharp(await renderer.png(file, 64)).metadata()).format).toBe('png');
    }
  });

  it('checks before its cache: a file served once and then replaced by a link leading out is refused', async () => {
    const base = tempDir();
    const dataset = join(base, 'dataset');
    await writeImage(join(dataset, 'a.png'));
    await writeImage(join(base, 'elsewhere', 'a.png'));
    const renderer = new ImageRenderer();
    await renderer.png(join(dataset, 'a.png'), 64, dataset);
    rmSync(join(dataset, 'a.png'));
    symlinkSync(join(base, 'elsewhere', 'a.png'), join(dataset, 'a.png'));
    await expect(renderer.png(join(dataset, 'a.png'), 64, dataset)).rejects.toMatchObject({
      code: 'IMAGE_OUTSIDE_DATASET',
    });
  });
});
