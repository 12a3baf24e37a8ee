/**
 * Fetching a web page (website extraction, and document to markdown for a URL that is a page): through the
 * guarded fetcher, asking for HTML, with each hop of a redirect chain checked against its host's robots.txt
 * first. robots.txt follows RFC 9309: rules for the `Lamina` product token (whatever `user_agent` the caller
 * sets: a chosen user agent does not buy past the site's rules), a 4xx answer means no rules, a 5xx or a failed
 * fetch means the site cannot say, so nothing is fetched (a 422), and a disallowed path is a 400 naming
 * robots.txt. Each origin's robots.txt is read once per page. `timeout_ms` bounds the whole: the page, its
 * redirects and every robots.txt read on the way share one deadline.
 */
import robotsParser from "robots-parser";
import { ApiError } from "../errors";
import { fetchDeadline, type FetchedBody, type FetchOptions, type UrlFetcher } from "./fetcher";
import { MAX_FILE_BYTES, MAX_FILE_LABEL } from "./file-input";

/** The token robots.txt groups are matched against. */
export const ROBOTS_USER_AGENT = "Lamina";
/** RFC 9309 asks crawlers to read at least 500 KiB; longer files are refused rather than cut mid-rule. */
const MAX_ROBOTS_BYTES = 1024 * 1024;
const PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5";

export interface WebPage extends FetchedBody {
  requestedUrl: string;
}

export async function fetchWebPage(url: string, where: string, fetchOptions: FetchOptions | undefined, fetcher: UrlFetcher): Promise<WebPage> {
  const checked = new Map<string, ReturnType<typeof robotsParser> | null>();
  const deadline = fetchDeadline(fetchOptions);
  const page = await fetcher.fetchBytes(url, {
    where,
    fetchOptions,
    deadline,
    maxBytes: MAX_FILE_BYTES,
    maxBytesLabel: MAX_FILE_LABEL,
    accept: PAGE_ACCEPT,
    beforeHop: async (hop) => {
      const origin = new URL(hop).origin;
      if (!checked.has(origin)) checked.set(origin, await readRobots(origin, where, fetchOptions, fetcher, deadline));
      const rules = checked.get(origin);
      if (rules && rules.isDisallowed(hop, ROBOTS_USER_AGENT)) {
        const path = new URL(hop).pathname;
        throw new ApiError(
          400,
          hop === url
            ? `${where}: ${new URL(hop).host}/robots.txt disallows ${path} for ${ROBOTS_USER_AGENT}; the page was not fetched`
            : `${where}: ${url} redirected to ${hop}, which ${new URL(hop).host}/robots.txt disallows for ${ROBOTS_USER_AGENT}; the page was not fetched`,
        );
      }
    },
  });
  return { ...page, requestedUrl: url };
}

/** The origin's robots.txt rules, or null when it has none (4xx). */
async function readRobots(origin: string, where: string, fetchOptions: FetchOptions | undefined, fetcher: UrlFetcher, deadline: AbortSignal) {
  const robotsUrl = `${origin}/robots.txt`;
  let answer: FetchedBody;
  try {
    // Only the connection options: the caller's headers and credentials are for the page, not for robots.txt.
    answer = await fetcher.fetchBytes(robotsUrl, {
      where: `${where} (robots.txt)`,
      fetchOptions: { ...(fetchOptions?.timeout_ms ? { timeout_ms: fetchOptions.timeout_ms } : {}), ...(fetchOptions?.user_agent ? { user_agent: fetchOptions.user_agent } : {}) },
      maxBytes: MAX_ROBOTS_BYTES,
      maxBytesLabel: "1 MiB",
      accept: "text/plain",
      allowErrorStatus: true,
      deadline,
    });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    throw new ApiError(422, `${where}: ${robotsUrl} could not be read (${err.message.replace(/^.*?: /, "")}), so the site's rules are unknown and the page was not fetched`);
  }
  if (answer.status >= 400 && answer.status < 500) return null;
  if (answer.status >= 500) {
    throw new ApiError(422, `${where}: ${robotsUrl} answered HTTP ${answer.status}, so the site's rules are unknown and the page was not fetched`);
  }
  // Rules apply to the origin asked about, even when its robots.txt redirected elsewhere (RFC 9309 2.3.1.2).
  return robotsParser(robotsUrl, new TextDecoder().decode(answer.bytes));
}
