/**
 * The one outbound fetcher for URLs a request names (file inputs, image layers, custom fonts, and later web
 * pages). Every hop of a redirect chain is checked by the URL guard before it is requested, at most
 * MAX_REDIRECTS hops are followed, the body is read as a stream and cut at the size cap, and the caller's
 * fetch_options (timeout, user agent, locale, headers, auth) are all applied. Failures are ApiError(422)s that
 * name the input (`where`), so the job is refunded. Webhook delivery does not use this: it follows no redirects.
 */
import { encodeBase64 } from "../base64";
import { ApiError } from "../errors";
import { checkPublicUrl } from "./url-guard";

export const MAX_REDIRECTS = 5;
export const DEFAULT_FETCH_TIMEOUT_MS = 15_000;
export const DEFAULT_USER_AGENT = "Lamina/1.0";

export interface FetchOptions {
  timeout_ms?: number;
  should_render_javascript?: boolean;
  user_agent?: string;
  locale?: string;
  headers?: Record<string, string>;
  auth?: { type: "bearer"; token: string } | { type: "basic"; username: string; password: string } | { type: "custom_header"; name: string; value: string };
}

export interface FetchRequest {
  /** Names the input in every error: `files.0 (a.pdf)`, `layers.2 (image)`, `fonts.1 (Brand)`. */
  where: string;
  fetchOptions?: FetchOptions;
  /** Bodies longer than this are refused while they stream in. */
  maxBytes: number;
  /** Said in the size error: "20 MB". */
  maxBytesLabel: string;
  /** The Accept header (default: none, i.e. anything). */
  accept?: string;
  /** Answer a 4xx/5xx response's body and status instead of failing (robots.txt, whose absence means something). */
  allowErrorStatus?: boolean;
  /** Called with each hop's URL after the URL guard passed it and before it is requested (robots.txt rules). */
  beforeHop?(url: string): Promise<void>;
  /**
   * A deadline shared with other fetches made for the same input (a page and its robots.txt files), in place of
   * this fetch's own `timeout_ms`: the caller's timeout then bounds all of them together.
   */
  deadline?: AbortSignal;
}

/** The signal that bounds one input's fetching: `timeout_ms` (or the default) from now. */
export function fetchDeadline(fetchOptions: FetchOptions | undefined): AbortSignal {
  return AbortSignal.timeout(fetchOptions?.timeout_ms ?? DEFAULT_FETCH_TIMEOUT_MS);
}

export interface FetchedBody {
  bytes: Uint8Array;
  /** The URL the body came from, after redirects. */
  url: string;
  status: number;
  contentType: string | null;
  /** The response's headers (of the last hop). */
  headers: Headers;
  /** The URLs that redirected, in order (empty when the first answered). */
  redirects: string[];
}

export interface UrlFetcher {
  fetchBytes(url: string, request: FetchRequest): Promise<FetchedBody>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The request headers fetch_options ask for. `auth` headers are kept apart: they do not follow a redirect to another origin. */
export function requestHeaders(options: FetchOptions | undefined): { common: Headers; auth: Headers } {
  const common = new Headers({ "User-Agent": options?.user_agent ?? DEFAULT_USER_AGENT });
  if (options?.locale) {
    common.set("Accept-Language", options.locale);
  }
  for (const [name, value] of Object.entries(options?.headers ?? {})) {
    common.set(name, value);
  }
  const auth = new Headers();
  const credentials = options?.auth;
  if (credentials?.type === "bearer") {
    auth.set("Authorization", `Bearer ${credentials.token}`);
  } else if (credentials?.type === "basic") {
    auth.set("Authorization", `Basic ${encodeBase64(new TextEncoder().encode(`${credentials.username}:${credentials.password}`))}`);
  } else if (credentials?.type === "custom_header") {
    auth.set(credentials.name, credentials.value);
  }
  return { common, auth };
}

export function createUrlFetcher(devHosts: ReadonlySet<string>): UrlFetcher {
  return {
    async fetchBytes(url, request) {
      const { where, fetchOptions } = request;
      if (fetchOptions?.should_render_javascript) {
        // Accepting it and fetching the page as served would answer something other than what was asked for.
        throw new ApiError(
          422,
          `${where}: fetch_options.should_render_javascript needs the Browser Rendering binding, which this deployment does not have; ` +
            "send it without should_render_javascript to read the page as the server sends it",
        );
      }
      const { common, auth } = requestHeaders(fetchOptions);
      if (request.accept && !common.has("Accept")) common.set("Accept", request.accept);
      const firstOrigin = URL.canParse(url) ? new URL(url).origin : "";
      const signal = request.deadline ?? fetchDeadline(fetchOptions);
      let current = url;
      const redirects: string[] = [];
      for (let hop = 0; ; hop++) {
        const rejection = checkPublicUrl(current, devHosts);
        if (rejection) {
          throw new ApiError(
            422,
            hop === 0 ? `${where}: the file URL cannot be fetched: ${rejection}` : `${where}: ${url} redirected to ${current}, which cannot be fetched: ${rejection}`,
          );
        }
        await request.beforeHop?.(current);
        if (signal.aborted) throw new ApiError(422, `${where}: fetching ${url} timed out`);
        const headers = new Headers(common);
        // Credentials go to the origin they were given for, never to one a redirect points at.
        if (new URL(current).origin === firstOrigin) {
          auth.forEach((value, name) => headers.set(name, value));
        }
        let response: Response;
        try {
          response = await fetch(current, { redirect: "manual", signal, headers });
        } catch (err) {
          const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
          throw new ApiError(422, `${where}: fetching ${url} ${timedOut ? "timed out" : "failed"}`);
        }
        const location = response.headers.get("Location");
        if (REDIRECT_STATUSES.has(response.status) && location !== null) {
          await response.body?.cancel();
          if (hop >= MAX_REDIRECTS) {
            throw new ApiError(422, `${where}: fetching ${url} redirected more than ${MAX_REDIRECTS} times`);
          }
          redirects.push(current);
          current = URL.canParse(location, current) ? new URL(location, current).href : location;
          continue;
        }
        if (!response.ok && !request.allowErrorStatus) {
          await response.body?.cancel();
          throw new ApiError(422, `${where}: fetching ${url} answered HTTP ${response.status}`);
        }
        const bytes = await readCapped(response, request, url, signal);
        return { bytes, url: current, status: response.status, contentType: response.headers.get("Content-Type"), headers: response.headers, redirects };
      }
    },
  };
}

/** The body, read chunk by chunk and abandoned the moment it passes the cap (a declared length is checked first). */
async function readCapped(response: Response, request: FetchRequest, url: string, signal: AbortSignal): Promise<Uint8Array> {
  const tooLarge = () => new ApiError(422, `${request.where}: the file at ${url} is larger than ${request.maxBytesLabel}`);
  if (Number(response.headers.get("Content-Length") ?? 0) > request.maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) {
    return new Uint8Array(0);
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > request.maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(422, `${request.where}: fetching ${url} ${signal.aborted ? "timed out" : "failed"} while reading the body`);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
