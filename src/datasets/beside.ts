import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A companion file in the folder of `file` whose name matches `pattern` (Kaggle and PhysioNet publish the same file
 * under several prefixes: `stage_2_train_labels.csv`, `kaggle_stage_2_train_labels.csv.zip`); the first by name.
 */
export function findBeside(file: string, pattern: RegExp): string | undefined {
  const folder = dirname(file);
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch {
    return undefined;
  }
  const name = names.find((candidate) => pattern.test(candidate));
  return name === undefined ? undefined : join(folder, name);
}
