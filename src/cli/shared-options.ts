import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_BEAM, MAX_BEAM } from '../cascade/models/beam-search.js';
import { cxrError } from '../errors.js';

export const DEFAULT_CATALOG = '.cxr/catalog.sqlite';

export function withCatalogOption(command: Command): Command {
  return command.option('--catalog <file>', 'the catalog (SQLite)', DEFAULT_CATALOG);
}

/**
 * The catalog a command reads: refused with CATALOG_NOT_FOUND when the file is not there, so a mistyped `--catalog`
 * says where it looked instead of creating an empty catalog and reporting "0 classes".
 */
export function existingCatalogPath(path: string): string {
  if (!existsSync(path))
    throw cxrError(
      'CATALOG_NOT_FOUND',
      `no catalog at ${resolve(path)} (import a dataset with cxr import, or give --catalog)`,
      {
        path,
      },
    );
  return path;
}

/** `--beam <n>` (annotate, build, serve): hypotheses the annotation decoder keeps per image. */
export function withBeamOption(command: Command): Command {
  return command.option(
    '--beam <n>',
    `annotation beam width: 1 (greedy decoding) to ${MAX_BEAM} partial annotations kept per image`,
    String(DEFAULT_BEAM),
  );
}

/** The `--beam` value, refused with INVALID_OPTION outside 1 … MAX_BEAM. */
export function beamOption(value: string): number {
  return integerOption('beam', value, 1, MAX_BEAM);
}

/** Parses an integer option with bounds, refusing anything else with INVALID_OPTION. */
export function integerOption(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw cxrError('INVALID_OPTION', `--${name} must be an integer from ${min} to ${max}, not '${value}'`, {
      option: name,
      value,
    });
  }
  return parsed;
}

export function choiceOption<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw cxrError('INVALID_OPTION', `--${name} must be one of ${choices.join(', ')}, not '${value}'`, {
      option: name,
      value,
    });
  }
  return value as T;
}

/** Parses a number option with bounds, refusing anything else with INVALID_OPTION. */
export function numberOption(name: string, value: string, min: number, max: number): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw cxrError('INVALID_OPTION', `--${name} must be a number from ${min} to ${max}, not '${value}'`, {
      option: name,
      value,
    });
  }
  return parsed;
}
