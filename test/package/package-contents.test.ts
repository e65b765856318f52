import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

// What `npm pack` would publish: every source map's sources ship beside it, the declared types exist, the licence
// is there. Packing reads the built dist/, which `npm ci` builds (prepare); skip, saying why, where it is absent.
const root = join(import.meta.dirname, '..', '..');
const built = existsSync(join(root, 'dist', 'index.js'));

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  const [pack] = JSON.parse(out) as [{ files: { path: string }[] }];
  return pack.files.map((file) => file.path);
}

describe.skipIf(!built)(`the npm package${built ? '' : ' (skipped: dist/ is not built; run npm run build)'}`, () => {
  it('ships the licence, the declared types and the sources of every source map', () => {
    const files = new Set(packedFiles());
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { types: string; license: string };
    expect(files.has('LICENSE')).toBe(true);
    expect(manifest.license).toBe('MIT');
    expect(files.has(normalize(manifest.types))).toBe(true);
    const maps = [...files].filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(50);
    const missing = maps.flatMap((map) => {
      const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] };
      return sources.map((source) => normalize(join(dirname(map), source))).filter((source) => !files.has(source));
    });
    expect(missing).toEqual([]);
  });
});
