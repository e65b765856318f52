import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeImage, writeText } from '../helpers/fixtures.js';

describe('cxr import of reports without annotations, and cxr labels --remine', () => {
  it('mines at import, trains on report findings with --labels auto, and --remine is idempotent', async () => {
    const root = tempDir();
    const catalog = join(root, 'catalog.sqlite');
    const rows = ['image,report'];
    for (let i = 0; i < 6; i++) {
      await writeImage(join(root, `e${i}.png`));
      await writeImage(join(root, `n${i}.png`));
      rows.push(`e${i}.png,Small left pleural effusion.`, `n${i}.png,No pleural effusion. The lungs are clear.`);
    }
    writeText(join(root, 'ward.csv'), rows.join('\n'));
    const imported = runCli(['import', 'manifest', join(root, 'ward.csv'), '--catalog', catalog]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/0 annotations; 12 findings read in reports/);

    const first = runCli(['labels', '--catalog', catalog, '--min-cases', '2', '--remine', '--json']);
    expect(first.status, first.stderr).toBe(0);
    const stats = JSON.parse(first.stdout);
    expect(stats.remined).toEqual({ reports: 12, changed: 0, findings: 12 });
    expect(stats.classes.map((c: { name: string }) => c.name).sort()).toEqual(['normal', 'pleural effusion']);

    // As if an older miner had read the effusions on the other side: --remine puts back what the miner reads now.
    const db = new Database(catalog);
    db.prepare("UPDATE report_findings SET raw = 'Pleural Effusion/right' WHERE heading = 'pleural effusion'").run();
    db.close();
    const again = runCli(['labels', '--catalog', catalog, '--min-cases', '2', '--remine']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/reports without annotations read again: 12 \(6 changed\), 12 report findings stored/);
    const third = JSON.parse(runCli(['labels', '--catalog', catalog, '--min-cases', '2', '--remine', '--json']).stdout);
    expect(third.remined).toEqual({ reports: 12, changed: 0, findings: 12 });
    const check = new Database(catalog, { readonly: true });
    expect(check.prepare('SELECT raw, count(*) AS n FROM report_findings GROUP BY raw ORDER BY raw').all()).toEqual([
      { raw: 'Pleural Effusion/left/small', n: 6 },
      { raw: 'normal', n: 6 },
    ]);
    check.close();
  });
});
