/**
 * The bundled font catalogue, through the real path (HTTP → image generation → static assets): every family of
 * the wire contract renders, names match case- and space-insensitively, unknown names fall back to Inter, and
 * the Noto families cover CJK, Arabic and Telugu text.
 */
import { env } from "cloudflare:workers";
import { decode } from "fast-png";
import { describe, expect, it } from "vitest";
import { bundledFamilies } from "../../src/graphics/fonts";
import { assetReader } from "../../src/jobs/deps";
import { callJson, createAccount } from "../helpers/http";

// The 98 names of the wire contract (§8.6), written as the contract writes them.
const CONTRACT_FAMILIES =
  "AlfaSlabOne AnekTelugu Anton Archivo ArchivoBlack Arimo Assistant Barlow BarlowCondensed BebasNeue Bitter BricolageGrotesque Bungee Cabin Cairo Caveat ChangaOne CommitMono CormorantGaramond CrimsonText DancingScript DMSans Dosis EBGaramond Exo2 Figtree FiraSans FjallaOne GravitasOne Heebo Hind HindSiliguri IBMPlexSans Inconsolata Inter InterTight JosefinSans Jost Kanit Karla Lato Lexend LibreBaskerville LibreFranklin Lobster Lora Manrope Merriweather Montserrat MPLUSRounded1c Mukta Mulish NanumGothic NotoSans NotoSansArabic NotoSansJP NotoSansKR NotoSansSC NotoSansTC NotoSansTelugu NotoSerif NotoSerifJP Nunito NunitoSans OpenSans Oswald Outfit Overpass Oxygen Pacifico PlayfairDisplay PlusJakartaSans Poppins Prompt PTSans PTSerif PublicSans Quicksand Raleway Ramabhadra RedHatDisplay Roboto RobotoCondensed RobotoFlex RobotoMono RobotoSlab Rubik Saira SchibstedGrotesk ShareTech Slabo27px SmoochSans Sora SourceCodePro SourceSans3 SpaceGrotesk TitilliumWeb Ubuntu WorkSans".split(
    " ",
  );

async function textInk(font_name: string, text: string, extra: Record<string, unknown> = {}): Promise<{ ink: number; pixels: Uint8Array }> {
  const account = await createAccount(10);
  const res = await callJson("/image-generation/v1/generate", {
    key: account.apiKey,
    body: {
      dimensions: { width_in_px: 240, height_in_px: 40 },
      layers: [{ index: 0, type: "text", text, font_name, font_size_in_px: 24, text_color: "#000000", dimensions: { width_in_px: 240, height_in_px: 40 }, ...extra }],
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const png = decode(Uint8Array.from(atob(res.body.data.buffer), (c) => c.charCodeAt(0)));
  const data = png.data as Uint8Array;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) ink += data[i]! > 128 ? 1 : 0;
  return { ink, pixels: data };
}

describe("the bundled font catalogue", () => {
  it("holds every family of the wire contract, loaded from static assets", async () => {
    const families = await bundledFamilies(assetReader(env.ASSETS));
    expect([...families].sort()).toEqual([...CONTRACT_FAMILIES].sort());
  });

  it("renders text in each of them", async () => {
    const inter = (await textInk("Inter", "Hamburgefonstiv")).pixels;
    for (const family of CONTRACT_FAMILIES) {
      const { ink, pixels } = await textInk(family, "Hamburgefonstiv");
      expect(ink, family).toBeGreaterThan(150);
      if (family !== "Inter") {
        // Drawn in the family itself, not in the fallback.
        expect(pixels, family).not.toEqual(inter);
      }
    }
  }, 60_000);

  it("finds a family by name whatever its case, spaces and hyphens", async () => {
    const reference = (await textInk("OpenSans", "Lamina")).pixels;
    for (const name of ["Open Sans", "open sans", "OPEN-SANS", "open_sans"]) {
      expect((await textInk(name, "Lamina")).pixels, name).toEqual(reference);
    }
  });

  it("falls back to Inter for a name it does not know", async () => {
    expect((await textInk("No Such Family", "Lamina")).pixels).toEqual((await textInk("Inter", "Lamina")).pixels);
  });

  it("has bold and italic where the family has them", async () => {
    const regular = await textInk("Roboto", "Lamina");
    const bold = await textInk("Roboto", "Lamina", { font_weight: "bold" });
    const italic = await textInk("Roboto", "Lamina", { font_style: "italic" });
    expect(bold.ink).toBeGreaterThan(regular.ink * 1.15);
    expect(italic.pixels).not.toEqual(regular.pixels);
  });

  it.each([
    ["NotoSansJP", "日本語のテキスト"],
    ["NotoSansSC", "简体中文文本"],
    ["NotoSansTC", "繁體中文文字"],
    ["NotoSansKR", "한국어 텍스트"],
    ["NotoSansArabic", "نص عربي"],
    ["Cairo", "نص عربي"],
    ["NotoSansTelugu", "తెలుగు పాఠ్యం"],
  ])("covers the script of %s, which Inter does not", async (family, text) => {
    const covered = await textInk(family, text);
    const fallback = await textInk("Inter", text);
    expect(covered.ink).toBeGreaterThan(200);
    expect(covered.pixels).not.toEqual(fallback.pixels);
  });
});
