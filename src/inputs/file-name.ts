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
