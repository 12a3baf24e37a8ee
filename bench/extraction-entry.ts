// What `npm run bench:extraction` runs: the Worker's own readers and built-in engine, bundled for Node.
export { readLineDocuments } from "../src/documents/lines";
export { extractBuiltIn } from "../src/extraction/builtin";
export { finalizeExtraction } from "../src/extraction/finalize";
export { ExtractDocumentRequestSchema } from "../src/apis/document-extraction/schema";
