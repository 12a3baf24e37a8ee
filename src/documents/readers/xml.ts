/**
 * The one XML (and HTML) walker every reader uses, with the nesting budget: htmlparser2 in streaming mode, the
 * reader's callbacks called per element and text.
 */
import { Parser } from "htmlparser2";
import { MAX_FILE_NESTING, nestingExceeded } from "../../budgets";

/**
 * Walks XML (or, with `xmlMode` false, HTML) with callbacks; tag names keep their namespace prefix (`w:p`).
 * Elements nested deeper than the budget stop the walk with a 422 naming `name`: the parser's cost grows with
 * depth, and so would every reader's.
 */
export function walkXml(
  xml: string,
  handler: { open?(tag: string, attributes: Record<string, string>): void; close?(tag: string): void; text?(text: string): void },
  options: { name: string; xmlMode?: boolean },
): void {
  let depth = 0;
  const parser = new Parser(
    {
      onopentag: (tag, attributes) => {
        if (++depth > MAX_FILE_NESTING) throw nestingExceeded(options.name);
        handler.open?.(tag, attributes);
      },
      onclosetag: (tag) => {
        depth--;
        handler.close?.(tag);
      },
      ontext: (text) => handler.text?.(text),
    },
    { xmlMode: options.xmlMode ?? true, decodeEntities: true, recognizeCDATA: true },
  );
  parser.write(xml);
  parser.end();
}
