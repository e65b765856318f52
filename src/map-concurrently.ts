/**
 * Maps `items` through an async function with at most `concurrency` calls in flight, results in input order:
 * how images are decoded (sharp works on its own threads, so a few at a time keep them busy).
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  map: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      out[at] = await map(items[at] as T, at);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return out;
}
