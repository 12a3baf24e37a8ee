import { EXTRACTION_SETTINGS } from "../../extraction/ai";
import { ExtractionResultSchema, refineExtractionSchema } from "../../extraction/schema";
import { defineApi } from "../define";
import { WebsiteMetadataSchema } from "../../documents/website-metadata";
import { ExtractWebsiteRequestSchema } from "./schema";

export const websiteExtraction = defineApi({
  id: "website_extraction",
  slug: "website-extraction",
  path: "/website-extraction/v1/extract",
  summary: "Extract typed fields and metadata from a web page",
  description:
    "Fetches one public web page (obeying its robots.txt, following redirects, with the fetch_options given), reads " +
    "its main content and answers each schema field as document extraction does, JSON-LD and meta tags counting as " +
    "candidates too, with the page's metadata: Open Graph, Twitter, JSON-LD, headings, links, images, feeds, " +
    "favicons, canonical and robots directives. A URL that answers a document (a PDF) is read as that document. " +
    "Costs 1 credit.",
  request: ExtractWebsiteRequestSchema,
  refine: refineExtractionSchema,
  example: {
    file: { type: "url", url: "https://example.com/products/widget" },
    schema: {
      fields: [
        { name: "product", type: "TEXT", description: "Product name" },
        { name: "price", type: "CURRENCY_AMOUNT", description: "Price" },
      ],
    },
  },
  response: ExtractionResultSchema,
  metadata: WebsiteMetadataSchema,
  cost: () => 1,
  load: async () => (await import("./process")).extractWebsite,
  settings: EXTRACTION_SETTINGS,
  optionalBindings: ["AI"],
});
