import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Annotation, Annotator } from '../cascade/annotator.js';
import { decodingOf } from '../cascade/bundle/format.js';
import type { DecodePool } from '../datasets/images/decode-pool.js';
import { createUploadDecodePool, decodeInTurn } from '../datasets/images/upload-decode-pool.js';
import { cxrError, isCxrError } from '../errors.js';
import { toIndexEntry } from '../indexer/entry.js';
import { isIndexFolder } from '../store/index-builds.js';
import type { EmbeddingKind, StoredEntry } from '../store/index-store.js';
import { currentGeneration, SearchIndex } from '../store/search-index.js';
import { retryWhileBusy } from '../store/write-lock.js';
import { countFacets, type FacetCounts, imagesFilter, matchingFilter } from './facets.js';
import { and, entryFilter, generatedPresent, queryFilter, type SqlFilter } from './filter-sql.js';
import { reciprocalRankFusion } from './fusion.js';
import { type HitConfidence, hitConfidence } from './hit-confidence.js';
import { DEFAULT_IMAGE_PLANNER, type ImagePlan, type ImagePlannerOptions, nearestImages } from './image-search.js';
import { applyFilters, type FilterFields, type ParsedQuery, parseQuery } from './query-parser.js';
import { type ConceptMatch, rankByText, type TextHit, type WordMatch } from './text-search.js';

export type ImageQuery = { id: string } | { vector: ArrayLike<number> } | { bytes: Uint8Array };

export interface SearchRequest {
  text?: string;
  image?: ImageQuery;
  filters?: FilterFields;
  /** Hits wanted (default 20, at most 500). */
  k?: number;
  /** Text + image: `fuse` ranks both and fuses them (RRF, k = 60); `filter` keeps what the text matches, ranked by the image. */
  mode?: 'fuse' | 'filter';
  /** Which CNN's embedding the image query compares (default the final, refined CNN). */
  embedding?: EmbeddingKind;
}

/** A hit and why it is here. */
export interface SearchHit {
  rank: number;
  imageId: string;
  dataset: string;
  view?: string;
  split?: string;
  /** The generated annotation, its findings with their calibrated probabilities when the bundle has that head. */
  generated: StoredEntry['generated'];
  truth: string[];
  /** What the report miner read in the study's report ("from the report"), when the dataset states no annotation. */
  fromReport: string[];
  /** The one confidence to show for the hit (see `hitConfidence`). */
  confidence: HitConfidence;
  score: number;
  why: {
    concepts: ConceptMatch[];
    words: WordMatch[];
    distance?: number;
    textRank?: number;
    imageRank?: number;
    fusedScore?: number;
  };
}

export interface SearchResponse {
  parse: ParsedQuery;
  plan: {
    kind: 'text' | 'image' | 'hybrid' | 'browse';
    mode?: 'fuse' | 'filter';
    text?: { candidates: number };
    image?: ImagePlan & { embedding: EmbeddingKind; query: 'id' | 'vector' | 'upload' };
  };
  timings: Record<string, number>;
  /** The uploaded image's own reading, when the query was an image. */
  queryAnnotation?: Omit<Annotation, 'embeddings'>;
  hits: SearchHit[];
  /** Counts per facet over these hits. */
  facets: FacetCounts;
}

export interface EngineOptions {
  planner?: Partial<ImagePlannerOptions>;
  /** Loads the annotator for uploaded images, on first use (the index's own bundle). */
  loadAnnotator?: (bundleDir: string) => Promise<Annotator>;
  /**
   * Threads that decode uploaded images, so that a large upload (an 8 MB 16-bit PNG takes ~60 ms) does not hold up
   * every other request. 0 (default): decoded on this thread, which suits a one-off query.
   */
  decodeThreads?: number;
  /**
   * How long a write waits for another process's write (default 10 s; a write holds the lock for one SQLite
   * transaction and two HNSW saves) before it answers INDEX_BUSY.
   */
  writeWaitMs?: number;
}

export const DEFAULT_WRITE_WAIT_MS = 10_000;

export const MAX_K = 500;

/** The one query API: text, image and hybrid search over an open index; see DESIGN.md "Search semantics". */
export class SearchEngine {
  private annotatorPromise?: Promise<Annotator>;
  /** The pool decoding uploads, made with the annotator (its bundle says how images are resized). */
  private uploads?: DecodePool;
  /** The index's diseases, and the generation and version they were read at (another process may write). */
  private diseases?: { list: string[]; at: string };
  private readonly planner: ImagePlannerOptions;
  private current: SearchIndex;
  /** The index folder when opened through one (so a rebuilt index is followed), else undefined. */
  private folder?: string;

  constructor(
    index: SearchIndex,
    private readonly options: EngineOptions = {},
  ) {
    this.current = index;
    this.planner = { ...DEFAULT_IMAGE_PLANNER, ...options.planner };
  }

  static open(dir: string, options: EngineOptions = {}): SearchEngine {
    const engine = new SearchEngine(SearchIndex.open(dir), options);
    if (isIndexFolder(dir)) engine.folder = dir;
    return engine;
  }

  get index(): SearchIndex {
    return this.current;
  }

  /**
   * Switches to the folder's live generation when a build has replaced it (a server keeps answering across
   * rebuilds); the old generation is closed. Cheap enough to call per request: one small file read.
   */
  followCurrent(): boolean {
    if (this.folder === undefined) return false;
    const live = currentGeneration(this.folder);
    if (live === this.current.generation) return false;
    const previous = this.current;
    this.current = SearchIndex.open(this.folder);
    // A generation annotated by another bundle needs that bundle to embed uploads comparably.
    if (this.current.store.meta('bundle_hash') !== previous.store.meta('bundle_hash')) void this.dropAnnotator();
    previous.close();
    return true;
  }

  /** Diseases the index knows (generated or stated), which the query parser resolves synonyms to. */
  vocabulary(): { diseases: string[] } {
    const at = `${this.index.generation}@${this.index.version()}`;
    if (this.diseases?.at !== at) {
      const rows = this.index.store.db.prepare('SELECT DISTINCT disease FROM findings ORDER BY disease').all();
      this.diseases = { list: (rows as Array<{ disease: string }>).map((row) => row.disease), at };
    }
    return { diseases: this.diseases.list };
  }

  parse(text: string, filters: FilterFields = {}): ParsedQuery {
    return applyFilters(parseQuery(text, this.vocabulary()), filters, this.vocabulary());
  }

  async search(request: SearchRequest): Promise<SearchResponse> {
    const started = performance.now();
    const timings: Record<string, number> = {};
    const lap = (name: string, since: number) => {
      timings[name] = round(performance.now() - since);
      return performance.now();
    };
    const k = checkK(request.k ?? 20);
    let at = performance.now();
    const parse = this.parse(request.text ?? '', request.filters);
    at = lap('parseMs', at);
    const hasText = parse.concepts.length > 0 || parse.words.length > 0;
    const query = request.image === undefined ? undefined : await this.queryVector(request.image, request.embedding);
    if (query !== undefined) at = lap('embedMs', at);
    const response: SearchResponse = { parse, plan: { kind: 'browse' }, timings, hits: [], facets: {} };
    if (query?.annotation) response.queryAnnotation = query.annotation;
    const exclude = query?.excludeLabel;
    const notSelf: SqlFilter | undefined =
      exclude === undefined ? undefined : { where: 'e.label != ?', params: [exclude] };

    if (query === undefined) {
      const text = rankByText(this.index.store, parse, k);
      at = lap('textMs', at);
      response.plan = { kind: hasText ? 'text' : 'browse', text: { candidates: text.candidates } };
      response.hits = this.hits(
        text.hits.map((hit) => ({ label: hit.label, score: hit.score, text: hit })),
        parse,
      );
    } else if (!hasText || request.mode === 'filter') {
      const filter = and([hasText ? queryFilter(parse) : entryFilter(parse.filters), ...(notSelf ? [notSelf] : [])]);
      const image = nearestImages(this.index, query.vector, query.kind, k, filter, this.planner);
      at = lap('imageMs', at);
      response.plan = {
        kind: hasText ? 'hybrid' : 'image',
        ...(hasText ? { mode: 'filter' as const } : {}),
        image: { ...image.plan, embedding: query.kind, query: query.source },
      };
      response.hits = this.hits(
        image.hits.map((hit, i) => ({
          label: hit.label,
          score: 1 - hit.distance,
          distance: hit.distance,
          imageRank: i + 1,
        })),
        parse,
      );
    } else {
      const depth = Math.max(100, 5 * k);
      const text = rankByText(this.index.store, parse, depth, notSelf);
      at = lap('textMs', at);
      const filter = and([entryFilter(parse.filters), ...(notSelf ? [notSelf] : [])]);
      const image = nearestImages(this.index, query.vector, query.kind, depth, filter, this.planner);
      at = lap('imageMs', at);
      const fused = reciprocalRankFusion([text.hits.map((h) => h.label), image.hits.map((h) => h.label)]).slice(0, k);
      at = lap('fuseMs', at);
      const textByLabel = new Map(text.hits.map((h) => [h.label, h]));
      const imageByLabel = new Map(image.hits.map((h) => [h.label, h]));
      response.plan = {
        kind: 'hybrid',
        mode: 'fuse',
        text: { candidates: text.candidates },
        image: { ...image.plan, embedding: query.kind, query: query.source },
      };
      response.hits = this.hits(
        fused.map((f) => ({
          label: f.label,
          score: f.score,
          text: textByLabel.get(f.label),
          distance: imageByLabel.get(f.label)?.distance,
          textRank: f.ranks[0] || undefined,
          imageRank: f.ranks[1] || undefined,
          fusedScore: f.score,
        })),
        parse,
      );
    }
    at = lap('fetchMs', at);
    // Over the hits returned, so that the counts describe this result (an image search matches every image).
    response.facets = countFacets(this.index.store, parse, imagesFilter(response.hits.map((hit) => hit.imageId)));
    lap('facetsMs', at);
    timings.totalMs = round(performance.now() - started);
    return response;
  }

  /** An indexed image's full record, without its embeddings. */
  entry(imageId: string): StoredEntry {
    const [entry] = this.index.store.entries([this.labelOf(imageId)]);
    if (entry === undefined) throw notIndexed(imageId);
    return entry;
  }

  private labelOf(imageId: string): number {
    const label = this.index.store.labelOf(imageId);
    if (label === undefined) throw notIndexed(imageId);
    return label;
  }

  /** The stored file of an indexed image (the only way a file path is ever reached). */
  fileOf(imageId: string): string {
    return this.entry(imageId).file;
  }

  /** Counts per facet over the images a query matches (every image when empty); see `countFacets`. */
  facets(text = '', filters: FilterFields = {}): FacetCounts {
    const parsed = this.parse(text, filters);
    return countFacets(this.index.store, parsed, matchingFilter(parsed));
  }

  /** The cascade's reading of an image (bytes of PNG, JPEG, DICOM…), with the index's own bundle. */
  async annotate(bytes: Uint8Array): Promise<Annotation> {
    const annotator = await this.annotator();
    const [annotation] =
      this.uploads === undefined
        ? await annotator.annotate([bytes])
        : await annotator.annotateDecoded([await this.uploads.decodeBytes(bytes, 'upload')]);
    if (annotation === undefined) throw cxrError('INTERNAL', 'the annotator returned nothing');
    return annotation;
  }

  /**
   * Annotates images with the index's bundle and adds them (an existing id is replaced). Every image is decoded
   * and read before anything is written, so one bad file leaves the index as it was.
   */
  async addImages(images: Array<{ imageId: string; dataset: string; file: string; view?: string }>): Promise<string[]> {
    const annotator = await this.annotator();
    const uploads = this.uploads; // uploaded files decode in the upload pool (its limits), never on this thread
    const annotations = uploads
      ? await annotator.annotateDecoded(
          await decodeInTurn(
            uploads,
            images.map((image) => image.file),
          ),
        )
      : await annotator.annotate(images.map((image) => image.file));
    const entries = images.map((image, i) => ({
      ...toIndexEntry({ ...image, truth: { annotations: [], findings: [] } }, annotations[i] as Annotation),
      origin: 'added' as const, // kept by a rebuild (src/indexer/kept-changes.ts)
    }));
    await this.writing(() => this.index.add(entries));
    return entries.map((e) => e.imageId);
  }

  /**
   * Removes images by id; returns those that were indexed. An uploaded image's file (in the index folder's
   * `uploads/`) is deleted with it: it is the user's patient image, kept only for the entry. Files of an imported
   * collection, and files `cxr add` was given, are the user's own and never touched.
   */
  async removeImages(imageIds: string[]): Promise<string[]> {
    const files = new Map(imageIds.map((id) => [id, this.uploadedFile(id)]));
    const removed = await this.writing(() => this.index.remove(imageIds));
    for (const id of removed) {
      const file = files.get(id);
      if (file !== undefined) rmSync(file, { force: true });
    }
    return removed;
  }

  /** The folder uploads over HTTP are kept in (`<index>/uploads`). */
  get uploadsDir(): string {
    return resolve(dirname(this.index.generation), 'uploads');
  }

  /** The uploaded file an entry has, if it has one (not a file of the imported collection, nor one `cxr add` read). */
  uploadedFile(imageId: string): string | undefined {
    const label = this.index.store.labelOf(imageId);
    const file = label === undefined ? undefined : this.index.store.entries([label])[0]?.file;
    return file !== undefined && dirname(resolve(file)) === resolve(this.uploadsDir) ? file : undefined;
  }

  /**
   * A write, retried while another process holds the write lock (up to writeWaitMs). A write that finds its
   * generation replaced by a build follows the folder to the new one and is made there.
   */
  private writing<T>(write: () => T): Promise<T> {
    return retryWhileBusy(() => {
      try {
        return write();
      } catch (error) {
        if (!isCxrError(error, 'INDEX_BUSY') || error.details.rebuilt !== true) throw error;
        const bundle = this.index.store.meta('bundle_hash');
        if (!this.followCurrent()) throw error;
        if (this.index.store.meta('bundle_hash') !== bundle) {
          throw cxrError(
            'INDEX_BUSY',
            'the index was rebuilt with another model while this write was prepared; make it again',
            {
              rebuilt: true,
              retry: false,
            },
          );
        }
        return write();
      }
    }, this.options.writeWaitMs ?? DEFAULT_WRITE_WAIT_MS);
  }

  async close(): Promise<void> {
    await this.dropAnnotator();
    this.index.close();
  }

  private async dropAnnotator(): Promise<void> {
    const loading = this.annotatorPromise;
    const uploads = this.uploads;
    this.annotatorPromise = undefined;
    this.uploads = undefined;
    await uploads?.close();
    if (loading) (await loading.catch(() => undefined))?.dispose();
  }

  private annotator(): Promise<Annotator> {
    if (this.options.loadAnnotator === undefined) {
      throw cxrError('INVALID_OPTION', 'this engine was opened without a model, so it cannot read uploaded images');
    }
    const threads = this.options.decodeThreads ?? 0;
    this.annotatorPromise ??= this.options.loadAnnotator(this.index.bundleDir).then((annotator) => {
      if (threads > 0) this.uploads = createUploadDecodePool(decodingOf(annotator.manifest), threads);
      return annotator;
    });
    return this.annotatorPromise;
  }

  private async queryVector(image: ImageQuery, kind: EmbeddingKind = 'final') {
    if ('id' in image) {
      const label = this.labelOf(image.id);
      const vector = this.index.store.embedding(label, kind);
      if (vector === undefined) throw notIndexed(image.id);
      return { vector, kind, source: 'id' as const, excludeLabel: label };
    }
    if ('vector' in image) {
      const vector = Float32Array.from(image.vector);
      this.index.vectors(kind).checkVector(vector);
      return { vector, kind, source: 'vector' as const };
    }
    const { embeddings, ...annotation } = await this.annotate(image.bytes);
    return { vector: embeddings[kind], kind, source: 'upload' as const, annotation };
  }

  private hits(
    ranked: Array<{
      label: number;
      score: number;
      text?: TextHit;
      distance?: number;
      textRank?: number;
      imageRank?: number;
      fusedScore?: number;
    }>,
    parse: ParsedQuery,
  ): SearchHit[] {
    const positives = parse.concepts.filter((c) => !c.negated); // in the order rankByText explains them
    const entries = new Map(this.index.store.entries(ranked.map((r) => r.label)).map((e) => [e.label, e]));
    return ranked.flatMap((r, i) => {
      const entry = entries.get(r.label);
      if (entry === undefined) return [];
      const why: SearchHit['why'] = { concepts: r.text?.concepts ?? [], words: r.text?.words ?? [] };
      if (r.distance !== undefined) why.distance = round(r.distance, 6);
      if (r.textRank !== undefined) why.textRank = r.textRank;
      if (r.imageRank !== undefined) why.imageRank = r.imageRank;
      if (r.fusedScore !== undefined) why.fusedScore = round(r.fusedScore, 6);
      return [
        {
          rank: i + 1,
          imageId: entry.imageId,
          dataset: entry.dataset,
          ...(entry.view === undefined ? {} : { view: entry.view }),
          ...(entry.split === undefined ? {} : { split: entry.split }),
          generated: entry.generated,
          truth: entry.truth.annotations,
          fromReport: entry.fromReport.annotations,
          confidence: hitConfidence(entry.generated, why.concepts, positives),
          score: round(r.score, 6),
          why,
        },
      ];
    });
  }
}

function checkK(k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw cxrError('QUERY_INVALID', `k must be an integer from 1 to ${MAX_K}, not ${k}`, { k });
  }
  return k;
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function notIndexed(imageId: string) {
  return cxrError('ENTRY_NOT_FOUND', `no indexed image '${imageId}'`, { id: imageId });
}
