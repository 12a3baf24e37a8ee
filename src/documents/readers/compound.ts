/**
 * OLE2 compound files (Word, PowerPoint 97–2003 and Outlook messages): the container opened once, its streams
 * looked up by path. The reading is SheetJS's CFB (already here for XLS), loaded only when such a file comes.
 */
import { compoundFileTooLarge, MAX_COMPOUND_FILE_BYTES } from "../../budgets";
import { ApiError } from "../../errors";

export interface CompoundFile {
  /** A stream's bytes by its path (`/WordDocument`, `/__substg1.0_0037001F`), or undefined when there is none. */
  stream(path: string): Uint8Array | undefined;
  /** The paths of every stream and storage, `/`-separated from the root. */
  readonly paths: readonly string[];
  /**
   * The container written anew: sector chains without loops, a directory without cycles. A reader that walks the
   * chains itself (msgreader) gets this rather than the bytes as sent, where a chain that loops back would hold
   * it in the loop.
   */
  rewritten(): Uint8Array;
}

export async function openCompoundFile(bytes: Uint8Array, name: string, label: string): Promise<CompoundFile> {
  if (bytes.length > MAX_COMPOUND_FILE_BYTES) throw compoundFileTooLarge(name, label, bytes.length);
  const { CFB } = await import("@e965/xlsx");
  let container: ReturnType<typeof CFB.read>;
  try {
    container = CFB.read(bytes, { type: "array" });
  } catch {
    throw new ApiError(422, `${name}: the file is not a readable ${label} (its compound-file structure is damaged)`);
  }
  // FullPaths start with the root's own name ("Root Entry/"): paths here are relative to it.
  const paths = container.FullPaths.map((path: string) => path.slice(path.indexOf("/")));
  const byPath = new Map<string, number>(paths.map((path: string, index: number) => [path.toLowerCase(), index]));
  return {
    paths,
    rewritten: () => Uint8Array.from(CFB.write(container, { type: "array" }) as ArrayLike<number>),
    stream(path) {
      const index = byPath.get(path.toLowerCase());
      const entry = index === undefined ? undefined : container.FileIndex[index];
      if (!entry || entry.type !== 2 || !entry.content) return undefined;
      const content = entry.content as Uint8Array | number[];
      return content instanceof Uint8Array ? content : Uint8Array.from(content);
    },
  };
}
