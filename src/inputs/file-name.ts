import type { FileInput } from "./file-input";

/** The name a file answers to in `source`: its `name`, else the URL's last path segment, else `file-N`. */
export function fileName(file: FileInput, index: number): string {
  if (file.name) return file.name;
  if (file.type === "url") {
    const last = new URL(file.url).pathname.split("/").filter(Boolean).at(-1) ?? "";
    if (last) {
      try {
        return decodeURIComponent(last);
      } catch {
        return last; // not valid percent-encoding: the segment as written
      }
    }
  }
  return `file-${index + 1}`;
}

/**
 * A web page's name (website extraction's `source`, document to markdown's `name`): `name` when given, else the
 * URL's last path segment as `.html` (`/products/widget` → `widget.html`), else the host's (`example.com.html`).
 */
export function pageName(url: string, name?: string): string {
  if (name) return name;
  const parsed = new URL(url);
  let last = parsed.pathname.split("/").filter(Boolean).at(-1) ?? "";
  try {
    last = decodeURIComponent(last);
  } catch {
    // not valid percent-encoding: the segment as written
  }
  const stem = last.replace(/\.[a-z0-9]{1,5}$/i, "");
  return `${stem || parsed.hostname}.html`;
}
