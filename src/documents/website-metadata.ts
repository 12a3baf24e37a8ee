/**
 * The metadata of a fetched web page as the wire contract names it (`WebsiteMetadata`), answered beside `data`
 * by website extraction and by document to markdown for a web page. Built by web-page.ts and web-metadata.ts;
 * this schema is the OpenAPI document's (kept apart from them so the route table loads no reader).
 */
import { z } from "@hono/zod-openapi";

const UrlSchema = z.string().openapi({ description: "Absolute." });
const StringMapSchema = z.record(z.string(), z.string());

export const WebsiteMetadataSchema = z
  .object({
    requested_url: UrlSchema,
    final_url: UrlSchema.openapi({ description: "After redirects." }),
    page_count: z.int().openapi({ description: "Always 1." }),
    status_code: z.int(),
    content_type: z.string().nullable(),
    body_size: z.int().openapi({ description: "Bytes of the body as received." }),
    word_count: z.int().openapi({ description: "Words of the main content." }),
    response_meta: z.object({
      redirects: z.array(UrlSchema).openapi({ description: "The URLs that redirected, in order." }),
      last_modified: z.string().optional(),
      etag: z.string().optional(),
      content_language: z.string().optional(),
    }),
    page: z.object({ title: z.string().optional(), description: z.string().optional(), language: z.string().optional() }).optional(),
    open_graph: StringMapSchema.optional().openapi({ description: "`og:` meta tags without the prefix: `title`, `description`, `image`, …" }),
    twitter: StringMapSchema.optional(),
    article: StringMapSchema.optional(),
    dublin_core: StringMapSchema.optional(),
    json_ld: z.array(z.record(z.string(), z.unknown())).optional().openapi({ description: "The page's JSON-LD objects, parsed." }),
    headings: z.array(z.object({ level: z.int().min(1).max(6), text: z.string() })).optional(),
    links: z.array(z.object({ url: UrlSchema, text: z.string(), rel: z.string().optional() })).optional(),
    images: z.array(z.object({ url: UrlSchema, alt: z.string(), width: z.int().optional(), height: z.int().optional() })).optional(),
    assets: z.array(z.object({ url: UrlSchema, type: z.enum(["stylesheet", "script", "preload"]) })).optional(),
    feeds: z.array(z.object({ url: UrlSchema, type: z.string(), title: z.string().optional() })).optional(),
    favicons: z.array(z.object({ url: UrlSchema, rel: z.string(), sizes: z.string().optional(), type: z.string().optional() })).optional(),
    hreflang: z.array(z.object({ lang: z.string(), url: UrlSchema })).optional(),
    canonical: UrlSchema.optional(),
    meta_refresh_url: UrlSchema.optional(),
    noindex_detected: z.boolean().optional(),
    nofollow_detected: z.boolean().optional(),
  })
  .openapi("WebsiteMetadata", {
    description: "What the fetch found (always) and what the page's markup says (HTML pages only). Lists hold at most 500 entries.",
  });
