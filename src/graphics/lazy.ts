/**
 * A codec loaded on first use and kept: `load()` runs once, every caller shares its promise, and a failed load
 * is forgotten so that the next request tries again. The codecs' wasm is imported as modules and handed over,
 * because workerd compiles no wasm from bytes.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((err) => {
      loading = undefined;
      throw err;
    }));
}
