/**
 * Text in the encoding its writer used: CSV and text files saved by legacy software (converted by iconv) come out
 * as the same text in document to markdown, whatever their encoding; a declared charset wins, a byte-order mark
 * before it; valid UTF-8 is never decoded twice (a page holding one literal U+FFFD was once re-read as
 * windows-1252, garbling every other character).
 */
import { describe, expect, it } from "vitest";
import { markdownOf } from "../helpers/documents";
import { bytesOf } from "../helpers/images";

const fixtures = import.meta.glob<string>("../fixtures/charset/*.{csv,txt}", { query: "?inline", import: "default", eager: true });
const fixture = (name: string) => bytesOf(fixtures[`../fixtures/charset/${name}`]!.replace(/^data:[^,]*,/, ""));

describe("legacy encodings, detected", () => {
  it.each([
    ["shift_jis.csv", ["名前", "山田太郎", "東京都千代田区丸の内一丁目", "請求書を送付済み"]],
    ["euc-jp.csv", ["名前", "佐藤花子", "大阪府大阪市北区梅田二丁目"]],
    ["windows-1251.txt", ["Отчёт о поставке товаров за третий квартал", "Новосибирске"]],
    ["koi8-r.txt", ["Отчёт о поставке товаров за третий квартал", "расхождениях"]],
    ["gb18030.txt", ["第三季度供货报告", "发票总金额为十二万三千元"]],
    ["big5.txt", ["第三季度供貨報告", "發票總金額為十二萬三千元"]],
    ["euc-kr.txt", ["삼분기 납품 보고서", "첨부된 서류를 확인하시고"]],
  ])("reads %s as the text it was written as", async (name, expected) => {
    const markdown = await markdownOf(name, fixture(name));
    for (const text of expected) expect(markdown).toContain(text);
  });
});

describe("declared and marked encodings", () => {
  const encode = (text: string) => new TextEncoder().encode(text);

  it("keeps valid UTF-8 that holds a literal U+FFFD as it is", async () => {
    const html = encode("<html><head><meta charset=\"utf-8\"><title>Café</title></head><body><h1>Crème brûlée</h1><p>Broken glyph: \uFFFD, then naïve façade.</p></body></html>");
    const markdown = await markdownOf("page.html", html);
    expect(markdown).toContain("# Crème brûlée");
    expect(markdown).toContain("Broken glyph: \uFFFD, then naïve façade.");
  });

  it("decodes an HTML page by its <meta charset>, and an XML file by its declaration", async () => {
    const russian = fixture("windows-1251.txt");
    const head = encode('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head><body><p>');
    const page = new Uint8Array([...head, ...russian.subarray(0, 80), ...encode("</p></body></html>")]);
    expect(await markdownOf("report.html", page)).toContain("Отчёт о поставке");
    const xml = new Uint8Array([...encode('<?xml version="1.0" encoding="KOI8-R"?><report><title>'), ...fixture("koi8-r.txt").subarray(0, 80), ...encode("</title></report>")]);
    expect(await markdownOf("report.xml", xml)).toContain("Отчёт о поставке");
  });

  it("follows a UTF-16 byte-order mark", async () => {
    const text = "Rechnung Nr. 42\nGesamtbetrag: 1.234,56 €\n";
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) new DataView(utf16.buffer).setUint16(2 + i * 2, text.charCodeAt(i), true);
    expect(await markdownOf("rechnung.txt", utf16)).toContain("Gesamtbetrag: 1.234,56 €");
  });
});
