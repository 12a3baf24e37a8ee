/**
 * What a document costs: 1 credit per page, the same for every API that reads documents (document extraction,
 * document to markdown).
 */
import { decodeBase64 } from "../base64";
import { MAX_ARCHIVE_NESTING, MAX_EMAIL_NESTING, MAX_TEXT_FILE_BYTES, TEXT_FORMATS, textFileTooLarge } from "../budgets";
import { ApiError } from "../errors";
import type { FileInput } from "../inputs/file-input";
import { fileName } from "../inputs/file-name";
import { formatFromName, isCompoundFile, isImageFormat, isTextLike, refuseForeign, sniffFormat, sniffKnownFormat, type FileFormat } from "../inputs/sniff";

/**
 * The pages a file is billed for: a PDF's page count, an e-mail's 1 plus the pages of the attachments that are
 * read with it (pictures only OCR could read are left out, as processing leaves them out), a zip archive's the
 * pages of its files that are read (at least 1), 1 for anything else.
 */
async function pagesOf(bytes: Uint8Array, name: string, depth: number): Promise<number> {
  const format = sniffFormat(bytes, name);
  if (format === "pdf") {
    const { countPdfPages } = await import("./readers/pdf");
    return Math.max(1, await countPdfPages(bytes, name));
  }
  if (format === "eml") {
    const { readEml } = await import("./readers/eml");
    const { attachments } = await readEml(bytes, name);
    let pages = 1;
    for (const attachment of depth < MAX_EMAIL_NESTING ? attachments : []) {
      try {
        pages += isImageFormat(sniffFormat(attachment.bytes, attachment.name)) ? 0 : await pagesOf(attachment.bytes, attachment.name, depth + 1);
      } catch (err) {
        // An attachment processing cannot read is skipped there too: it costs nothing.
        if (!(err instanceof ApiError)) throw err;
      }
    }
    return pages;
  }
  if (format === "zip") {
    // An archive: the pages of the files in it that are read (pictures and files no reader knows cost nothing).
    const { archiveEntries } = await import("./readers/archive");
    let pages = 0;
    for (const entry of depth < MAX_ARCHIVE_NESTING ? archiveEntries(bytes, name) : []) {
      try {
        pages += isImageFormat(sniffFormat(entry.bytes, entry.name)) ? 0 : await pagesOf(entry.bytes, `${name}/${entry.name}`, depth + 1);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
      }
    }
    return Math.max(1, pages);
  }
  return 1;
}

/**
 * The pages one file of a request is billed for, counted at accept (so a broken PDF is a 400 that charges nothing,
 * the message led by `where`): see pagesOf. A URL is fetched only when the job runs, so it counts as one page.
 */
export async function billablePages(file: FileInput, index: number, where: string): Promise<number> {
  if (file.type !== "base64") return 1;
  const name = fileName(file, index);
  try {
    // An unsupported extension is a 400 now. Then the format from the first 2 KB (signatures, the shape of an
    // e-mail) spares decoding a file that is billed as one page anyway; what 2 KB cannot tell (a zip's contents)
    // is left to processing.
    formatFromName(name);
    let format: FileFormat | undefined;
    const head = decodeBase64(file.base64.slice(0, 2732));
    if (isCompoundFile(head)) {
      // An OLE2 file says what it is only in its directory, anywhere in the file: a Word or Outlook file is a 400 now.
      format = sniffFormat(decodeBase64(file.base64), name);
    } else {
      try {
        format = sniffKnownFormat(head, name);
      } catch {
        format = undefined;
      }
      // A video, an executable or random bytes is no document: a 400 now, naming what it is.
      refuseForeign(head, name, isTextLike(format));
    }
    const size = Math.floor((file.base64.length * 3) / 4) - (file.base64.endsWith("==") ? 2 : file.base64.endsWith("=") ? 1 : 0);
    if (format !== undefined && TEXT_FORMATS.has(format) && size > MAX_TEXT_FILE_BYTES) throw textFileTooLarge(name, size);
    // A zip's head may look like a bare archive before its directory (at the end) says it is a DOCX: pagesOf sniffs
    // the whole file again.
    return format === "pdf" || format === "eml" || format === "zip" ? await pagesOf(decodeBase64(file.base64), name, 0) : 1;
  } catch (err) {
    throw err instanceof ApiError ? new ApiError(400, `${where}: ${err.message}`) : err;
  }
}
