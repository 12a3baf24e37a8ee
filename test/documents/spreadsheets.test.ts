/**
 * Workbooks other software wrote (Apache Tika's test files: Excel 97 and 95 XLS, XLSB, a LibreOffice ODS) read by
 * SheetJS into the document model: each sheet under a heading with its name, its cells as Excel shows them (number
 * formats, percentages, dates), General numbers with all their digits; what Tika's own tests assert is found.
 * A compound file that holds no Office or Outlook stream is refused naming what it is; an XLSX zip bomb is still counted.
 */
import { describe, expect, it } from "vitest";
import { convertDocument as convert } from "../helpers/documents";
import { bytesOf } from "../helpers/images";
import { zipDeclaring } from "../helpers/files";

const fixtures = import.meta.glob<string>("../fixtures/spreadsheets/*.{xls,xlsx,xlsb,ods}", { query: "?inline", import: "default", eager: true });
const fixture = (name: string) => bytesOf(fixtures[`../fixtures/spreadsheets/${name}`]!.replace(/^data:[^,]*,/, ""));

describe("workbooks read by SheetJS", () => {
  it("reads an Excel 97 XLS: its sheet by name, its cells, whole numbers without a decimal point", async () => {
    const res = await convert("testEXCEL.xls", fixture("testEXCEL.xls"));
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    const markdown: string = res.body.data.markdown;
    expect(res.body.data.mime_type).toBe("application/vnd.ms-excel");
    expect(markdown).toMatch(/^## Feuil1$/m);
    expect(markdown).toContain("Sample Excel Worksheet");
    expect(markdown).toContain("Numbers and their Squares");
    expect(markdown).toMatch(/\| 14 \| 196 \|/);
    expect(markdown).not.toContain("196.0");
  });

  it("reads an Excel 95 (BIFF5) XLS, and its Italian sheet name", async () => {
    const res = await convert("testEXCEL_95.xls", fixture("testEXCEL_95.xls"));
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.data.markdown).toMatch(/^## Foglio1$/m);
  });

  it("shows cells as their number formats say: thousands, currency, negatives in brackets, percentages, dates, fractions", async () => {
    const res = await convert("testEXCEL-formats.xls", fixture("testEXCEL-formats.xls"));
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    for (const shown of ["1,599.99", "-1,599.99", "$1,599.99", "($1,599.99)", "2.50%", "2 1/2"]) {
      expect(res.body.data.markdown).toContain(shown);
    }
    // Dates and times as ISO 8601, whatever their display format (Tika's test sees 17-May-07, 10/3/09, 1/19/08 4:35).
    for (const iso of ["2007-05-17", "2009-10-03", "2008-01-19T04:35:00", "06:15:00", "18:15:00"]) expect(res.body.data.markdown).toContain(iso);
  });

  it("reads an XLSB and a LibreOffice ODS as LibreOffice shows them", async () => {
    const xlsb = await convert("testEXCEL_various.xlsb", fixture("testEXCEL_various.xlsb"));
    expect(xlsb.status, JSON.stringify(xlsb.body).slice(0, 300)).toBe(200);
    for (const shown of ["This is a string", "13.1211231321", "20%"]) expect(xlsb.body.data.markdown).toContain(shown);
    const ods = await convert("test-columnar.ods", fixture("test-columnar.ods"));
    expect(ods.status, JSON.stringify(ods.body).slice(0, 300)).toBe(200);
    expect(ods.body.data.mime_type).toBe("application/vnd.oasis.opendocument.spreadsheet");
    expect(ods.body.data.markdown).toContain("| Record Number | Square of the Record Number | Description of the Row |");
    // Percent Increment is formatted 0.0%: 2/3 shows as 66.7% (LibreOffice shows it so; its CSV export writes the value).
    expect(ods.body.data.markdown).toContain("| 66.7% |");
  });

  it("knows an XLS by its content when its name says nothing", async () => {
    const res = await convert("upload", fixture("testEXCEL.xls"));
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.data.markdown).toContain("Numbers and their Squares");
  });

  it("refuses an OLE2 file that holds no Office or Outlook stream, naming it, and counts an XLSX bomb's parts before SheetJS opens it", async () => {
    const header = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
    const publisher = new Uint8Array([...header, ...Array(504).fill(0), ...[..."Quill"].flatMap((char) => [char.charCodeAt(0), 0])]);
    const refused = await convert("upload", publisher);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/^file: upload: an OLE2 compound file that is no Office 97–2003 document or Outlook message is not supported; send PDF, DOCX, DOC, XLSX, XLS, XLSB, ODS/);
    expect(refused.balance).toBe(5);
    const bomb = zipDeclaring({ "xl/workbook.xml": "<workbook/>".padEnd(32 * 1024 * 1024, " ") }, 11);
    const exploded = await convert("bomb.xlsx", bomb);
    expect(exploded.status).toBe(422);
    expect(exploded.body.error).toBe("bomb.xlsx: xl/workbook.xml inflates past the 11 bytes its zip entry declares; the archive is damaged or forged");
    expect(exploded.balance).toBe(5);
  });

  it("refuses an XLS past 3 MiB before SheetJS opens it, and names a password-protected Office file", async () => {
    const xls = fixture("testEXCEL.xls");
    const padded = new Uint8Array(3 * 1024 * 1024 + 1);
    padded.set(xls);
    const big = await convert("big.xls", padded);
    expect(big.status).toBe(422);
    expect(big.body.error).toBe("big.xls: XLS workbooks are read up to 3 MiB (this one is 3.0 MiB); save it as XLSX or CSV");
    expect(big.balance).toBe(5);
    const header = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
    const locked = new Uint8Array([...header, ...Array(504).fill(0), ...[..."EncryptedPackage"].flatMap((char) => [char.charCodeAt(0), 0])]);
    const refused = await convert("report.docx", locked);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/^file: report\.docx: a password-protected Office file is not supported/);
  });
});

describe("what a workbook holds beside its cells", () => {
  const markdownOfFixture = async (name: string) => {
    const res = await convert(name, fixture(name));
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    return res.body.data.markdown as string;
  };

  it("writes each sheet's header and footer once after the sheets, left, centre and right (XLS and XLSX)", async () => {
    for (const name of ["testEXCEL_headers_footers.xls", "testEXCEL_headers_footers.xlsx"]) {
      const markdown = await markdownOfFixture(name);
      expect(markdown, name).toMatch(/^\*\*Header:\*\* Header - Corporate Spreadsheet · Header - For Internal Use Only · Header - Author: John Smith$/m);
      expect(markdown, name).toMatch(/^\*\*Footer:\*\* Footer - Corporate Spreadsheet · Footer - For Internal Use Only · Footer - Author: John Smith$/m);
      expect(markdown.indexOf("**Header:**"), name).toBeGreaterThan(markdown.indexOf("## Sheet3"));
      expect(markdown, name).not.toContain("&C");
    }
  });

  it("reads charts: an XLSX chart as its title and data table, an XLS chart's title, axis and series titles", async () => {
    const xlsx = await markdownOfFixture("testEXCEL_charts.xlsx");
    expect(xlsx).toContain("**Chart: wants a peach**\n\n|  | January | February | March | April | May | June | July | August |");
    expect(xlsx).toContain("| NUMBER | 5.0 | 8.0 | 4.0 | 7.0 | 4.0 | 2.0 | 5.0 | 6.0 |");
    const xls = await markdownOfFixture("testEXCEL-charts.xls");
    for (const text of ["- WhamPuff", "- eksaxis", "- whyaxis", "- fizzlepuff"]) expect(xls).toContain(text);
  });

  it("reads a shape's text, and an Excel 4 workbook's text in its code page (curly quotes, not C1 controls)", async () => {
    expect(await markdownOfFixture("testEXCEL_textbox.xlsx")).toMatch(/^this is some autoshape text$/m);
    const old = await markdownOfFixture("testEXCEL_4.xls");
    expect(old).toContain("individual income tax return “short forms.”");
    expect(old).not.toMatch(/[\u0080-\u009f]/);
  });
});

