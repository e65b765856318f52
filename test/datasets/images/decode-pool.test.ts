import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeGrey } from '../../../src/datasets/images/decode.js';
import { createDecodePool } from '../../../src/datasets/images/decode-pool.js';
import { tempDir, writeImage } from '../../helpers/fixtures.js';

describe('the decode pool', () => {
  it('decodes on worker threads to the same pixels as decodeGrey, and keeps error codes across threads', async () => {
    const dir = tempDir();
    const files = await Promise.all(
      [0, 1, 2, 3].map((i) => writeImage(join(dir, `${i}.png`), { width: 50 + i * 10, height: 40, channels: 3 })),
    );
    const corrupt = join(dir, 'corrupt.png');
    writeFileSync(corrupt, Buffer.from('\x89PNG\r\n\x1a\nbroken', 'latin1'));
    const pool = createDecodePool({ size: 24, resize: 'area' }, 2);
    try {
      const pooled = await Promise.all(files.map((file) => pool.decode(file)));
      for (const [i, file] of files.entries()) {
        const local = await decodeGrey(file, 24, 'area');
        expect(pooled[i]?.data).toEqual(local.data);
        expect([pooled[i]?.width, pooled[i]?.height]).toEqual([24, 24]);
      }
      await expect(pool.decode(corrupt)).rejects.toMatchObject({ code: 'IMAGE_CORRUPT' });
      await expect(pool.decode(join(dir, 'missing.png'))).rejects.toMatchObject({ code: 'IMAGE_MISSING' });
    } finally {
      await pool.close();
    }
  });
});
