/**
 * What `node:fs` and `node:https` resolve to in the Worker (wrangler.toml `[alias]`): pptxgenjs imports them
 * only to read image files from disk and to write files, which Lamina never asks of it (images arrive as data).
 */
export default {};
