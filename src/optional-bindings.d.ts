/**
 * Bindings a deployment may add to wrangler.toml but that the default configuration leaves out (so
 * `wrangler types` does not generate them). Code must check for them before use.
 */
interface Env {
  /** Workers AI (`[ai] binding = "AI"`): document extraction then reads through toMarkdown and a model. */
  AI?: Ai;
}
