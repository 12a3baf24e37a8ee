/**
 * Layers → a flexbox element tree → SVG (satori) → pixels (resvg). Layers are composited onto a transparent
 * canvas in `index` order; layouts lay their children out with flexbox; text is wrapped word by word so runs of
 * **bold** and *italic* can sit on one line. Everything that needs loading (images, custom fonts, the barcode
 * encoder) is loaded before the tree is built, so building it is synchronous and its failures name the layer.
 */
import { MAX_AUTO_SCALE_PASSES } from "../../budgets";
import { barcodeSvg, loadBarcodeEncoder, qrCodeSvg, type BarcodeEncoder } from "../../graphics/codes";
import { cssColor, rgbaOf } from "../../graphics/colors";
import { fillLinearGradient, fillRect } from "../../graphics/raster";
import { createFontSet, FONT_WEIGHTS, loadCustomFonts } from "../../graphics/fonts";
import { encodeImage } from "../../graphics/encode";
import { loadImage } from "../../graphics/images";
import { ImageStore, layoutSvg, rasterizeSvg, svgHeight, type Element, type RasterImage } from "../../graphics/svg";
import { readFileInput } from "../../inputs/file-input";
import type { ProcessDeps } from "../define";
import type { GenerateImageRequest, Layer, LayoutLayer } from "./schema";

interface BuildContext {
  paths: Map<Layer, string>;
  /** Image layers' inputs, and text layers and layouts with a fixed box pre-rendered: placeholders of `store`. */
  images: Map<Layer, string>;
  store: ImageStore;
  fontSizes: Map<Layer, number>;
  family: (name: string) => string;
  barcodes: BarcodeEncoder | null;
}

export async function renderLayers(input: GenerateImageRequest, deps: ProcessDeps): Promise<RasterImage> {
  const bottom = paintableBottom(input);
  // Custom fonts are still read (and refused when broken) even if no layer uses them: they take the general path.
  if (bottom.length === input.layers.length && !input.fonts?.length) {
    return paint(input, bottom);
  }
  // Over a painted gradient (resvg's own took 55 ms for a 1200 × 630 canvas in wasm, this 7) the other layers are
  // drawn by resvg and composited onto it: in 8 bits, so within one level of drawing them all in one pass. Over
  // plain fills resvg draws everything, exactly as ever: they cost it little.
  if (!bottom.some(({ layer }) => layer.type === "gradient")) {
    const { svg, images } = await layersToSvg(input, deps);
    return rasterizeSvg(svg, images);
  }
  const under = paint(input, bottom).pixels;
  const { svg, images } = await layersToSvg(input, deps, new Set(bottom.map(({ layer }) => layer)));
  return rasterizeSvg(svg, images, under);
}

interface PaintableLayer {
  layer: Layer;
  rect: { x: number; y: number; width: number; height: number };
}

/**
 * The bottom layers that need no layout and no rasteriser, in `index` order: opaque, unrotated, square-cornered
 * solid rectangles and linear gradients on whole pixels (the seed request, a plain or gradient background). The
 * first layer of another kind ends the run. Painted straight into the pixels (`paint`), without an edge to
 * antialias or alpha to blend, they are what resvg draws: the fills exactly, the gradients within one level (of
 * 255) of it.
 */
export function paintableBottom(input: GenerateImageRequest): PaintableLayer[] {
  const { width_in_px: width, height_in_px: height } = input.dimensions;
  const bottom: PaintableLayer[] = [];
  for (const layer of byIndex(input.layers)) {
    const rect = paintableRect(layer, width, height);
    if (!rect) {
      break;
    }
    bottom.push({ layer, rect });
  }
  return bottom;
}

/** A transparent canvas with `layers` painted onto it in order. */
function paint(input: GenerateImageRequest, layers: readonly PaintableLayer[]): RasterImage {
  const { width_in_px: width, height_in_px: height } = input.dimensions;
  const raster = { width, height, pixels: new Uint8Array(width * height * 4) };
  for (const { layer, rect } of layers) {
    if (layer.type === "solid-color") {
      fillRect(raster, rect, rgbaOf(layer.hex_color));
    } else if (layer.type === "gradient") {
      const stops = [...layer.colors]
        .sort((a, b) => a.position - b.position)
        .map((stop) => ({ offset: stop.position / 100, rgb: rgbaOf(stop.hex_color).slice(0, 3) as [number, number, number] }));
      // The CSS angle layerElement gives satori: the contract's 0° runs left to right, CSS's bottom to top.
      fillLinearGradient(raster, rect, (layer.angle_in_degrees ?? 0) + 90, stops);
    }
  }
  return raster;
}

/** The whole-pixel rectangle a layer covers if it can be painted directly (see paintableBottom), else null. */
function paintableRect(layer: Layer, width: number, height: number): { x: number; y: number; width: number; height: number } | null {
  if (layer.type !== "solid-color" && !(layer.type === "gradient" && layer.gradient_type === "linear")) {
    return null;
  }
  if (layer.opacity !== 100 || layer.rotation_in_degrees || Object.keys(radii(layer)).length > 0) {
    return null;
  }
  if (layer.type === "solid-color" && layer.angled_edges?.length) {
    return null;
  }
  const colors = layer.type === "solid-color" ? [layer.hex_color] : layer.colors.map((stop) => stop.hex_color);
  if (colors.some((hex) => rgbaOf(hex)[3] !== 255)) {
    return null;
  }
  const x = layer.position?.x_in_px ?? 0;
  const y = layer.position?.y_in_px ?? 0;
  // Without dimensions a fill covers the rest of the canvas from its position, as in layerElement.
  const w = layer.dimensions ? size(layer.dimensions.width_in_px) : width - x;
  const h = layer.dimensions ? size(layer.dimensions.height_in_px) : height - y;
  if (w === undefined || h === undefined || ![x, y, w, h].every(Number.isInteger) || w <= 0 || h <= 0) {
    return null;
  }
  return { x, y, width: w, height: h };
}

/** The request as one SVG document (every glyph a path), before rasterising, with the images it places; without the layers in `omit`. */
export async function layersToSvg(input: GenerateImageRequest, deps: ProcessDeps, omit: ReadonlySet<Layer> = new Set()): Promise<{ svg: string; images: ImageStore }> {
  const { width_in_px: width, height_in_px: height } = input.dimensions;
  const paths = new Map<Layer, string>();
  walk(input.layers, "layers", paths);
  const all = [...paths.keys()];

  const textFamilies = all.flatMap((layer) => (layer.type === "text" ? [layer.font_name] : []));
  const [fonts, barcodes] = await Promise.all([
    loadCustomFonts(input.fonts ?? [], deps.fetcher).then((custom) => createFontSet(custom, textFamilies, deps.assets)),
    all.some((layer) => layer.type === "barcode") ? loadBarcodeEncoder() : Promise.resolve(null),
  ]);
  const store = new ImageStore();
  const images = new Map<Layer, string>();
  await Promise.all(
    all.map(async (layer) => {
      if (layer.type === "image") {
        const where = `${paths.get(layer)!} (image)`;
        // The box the image covers: its own dimensions, else the canvas at the top level (inside a layout it keeps
        // its natural size, so there is nothing to crop to).
        const box = size(layer.dimensions?.width_in_px) !== undefined && size(layer.dimensions?.height_in_px) !== undefined
          ? { width: size(layer.dimensions!.width_in_px)!, height: size(layer.dimensions!.height_in_px)! }
          : input.layers.includes(layer) ? { width, height } : undefined;
        const adjust = { removeBackground: layer.should_remove_background, smartCropTo: layer.should_use_smart_cropping ? box : undefined };
        images.set(layer, await loadImage(await readFileInput(layer.file, where, deps.fetcher), where, store, adjust));
      }
    }),
  );
  const ctx: BuildContext = { paths, images, store, fontSizes: new Map(), family: fonts.family, barcodes };
  const layout = (element: Element, box: { width: number; height?: number }) => layoutSvg(element, box, fonts.fonts);
  const measure = async (element: Element, boxWidth: number) => svgHeight(await layout(element, { width: boxWidth }));
  for (const layer of all) {
    if (layer.type === "text" && layer.should_auto_scale) {
      ctx.fontSizes.set(layer, await fitFontSize(layer, ctx, measure));
    }
  }
  // Text boxes and fixed-size layouts are rendered on their own and embedded as SVG images, whose viewport
  // clips what overflows. (Clipping in the main tree makes satori emit nested masks that resvg cannot render
  // when much of the content lies outside them.) Children come before their layout: reverse pre-order.
  for (const layer of [...all].reverse()) {
    if (layer.type !== "text" && layer.type !== "layout") {
      continue;
    }
    const boxWidth = size(layer.dimensions?.width_in_px);
    const boxHeight = size(layer.dimensions?.height_in_px);
    if (boxWidth === undefined || boxHeight === undefined) {
      continue;
    }
    const own = { display: "flex", width: boxWidth, height: boxHeight };
    if (layer.type === "text") {
      ctx.images.set(layer, store.svg(await layout(textElement(layer, own, ctx), { width: boxWidth, height: boxHeight }), { width: boxWidth, height: boxHeight }));
      continue;
    }
    // resvg does not draw images inside an SVG that is itself an image, and a layout's children (text boxes,
    // codes, SVG inputs) are such images: the layout is rasterised here and embedded as a PNG.
    const svg = await layout(layoutElement(layer, own, ctx, { width: boxWidth, height: boxHeight }), { width: boxWidth, height: boxHeight });
    const raster = await rasterizeSvg(svg, store);
    const png = await encodeImage(raster.pixels, raster.width, raster.height, "png");
    ctx.images.set(layer, store.raster(png.bytes, raster.width, raster.height));
  }

  const root: Element = {
    type: "div",
    props: {
      style: { display: "flex", position: "relative", width, height },
      // Layers painted already (paintableBottom) are left out; the paths of the others stay what they were.
      children: byIndex(input.layers)
        .filter((layer) => !omit.has(layer))
        .map((layer) => layerElement(layer, ctx, { absolute: true, canvas: { width, height } })),
    },
  };
  return { svg: await layout(root, { width, height }), images: store };
}

function walk(layers: readonly Layer[], prefix: string, paths: Map<Layer, string>): void {
  layers.forEach((layer, i) => {
    const path = `${prefix}.${i}`;
    paths.set(layer, path);
    if (layer.type === "layout") {
      walk(layer.layers, `${path}.layers`, paths);
      walk(layer.background_layers ?? [], `${path}.background_layers`, paths);
    }
  });
}

function byIndex(layers: readonly Layer[]): Layer[] {
  return layers
    .map((layer, position) => ({ layer, position }))
    .sort((a, b) => (a.layer.index ?? 0) - (b.layer.index ?? 0) || a.position - b.position)
    .map(({ layer }) => layer);
}

function size(value: number | "auto" | undefined): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function radii(layer: { border_radius?: number; border_top_left_radius?: number; border_top_right_radius?: number; border_bottom_left_radius?: number; border_bottom_right_radius?: number }) {
  return {
    ...(layer.border_radius !== undefined ? { borderRadius: layer.border_radius } : {}),
    ...(layer.border_top_left_radius !== undefined ? { borderTopLeftRadius: layer.border_top_left_radius } : {}),
    ...(layer.border_top_right_radius !== undefined ? { borderTopRightRadius: layer.border_top_right_radius } : {}),
    ...(layer.border_bottom_left_radius !== undefined ? { borderBottomLeftRadius: layer.border_bottom_left_radius } : {}),
    ...(layer.border_bottom_right_radius !== undefined ? { borderBottomRightRadius: layer.border_bottom_right_radius } : {}),
  };
}

/**
 * A clip polygon for angled edges. Positive angles slant an edge inward at its top (left/right edges) or at its
 * right end (top/bottom edges); negative ones at the other end.
 */
function angledEdgesClip(edges: NonNullable<Extract<Layer, { type: "solid-color" }>["angled_edges"]>, width: number, height: number): string {
  const tl = { x: 0, y: 0 };
  const tr = { x: width, y: 0 };
  const br = { x: width, y: height };
  const bl = { x: 0, y: height };
  for (const { edge, angle_in_degrees: angle } of edges) {
    const tan = Math.tan((Math.abs(angle) * Math.PI) / 180);
    if (edge === "left") {
      (angle >= 0 ? tl : bl).x = tan * height;
    } else if (edge === "right") {
      (angle >= 0 ? tr : br).x = width - tan * height;
    } else if (edge === "top") {
      (angle >= 0 ? tr : tl).y = tan * width;
    } else {
      (angle >= 0 ? br : bl).y = height - tan * width;
    }
  }
  return `polygon(${[tl, tr, br, bl].map((p) => `${p.x.toFixed(2)}px ${p.y.toFixed(2)}px`).join(", ")})`;
}

interface Placement {
  /** Top-level layers and positioned layout children are absolutely placed; others flow in their layout. */
  absolute: boolean;
  /** The box a layer without dimensions fills. */
  canvas: { width: number; height: number };
}

function layerElement(layer: Layer, ctx: BuildContext, placement: Placement): Element {
  const positioned = placement.absolute || layer.position !== undefined;
  const x = layer.position?.x_in_px ?? 0;
  const y = layer.position?.y_in_px ?? 0;
  const fills = layer.type === "solid-color" || layer.type === "image";
  // A fill without dimensions covers the rest of its box; inside a shrink-wrapped layout (size unknown) all of it.
  const fill = (extent: number, offset: number) => (extent > 0 ? extent - offset : "100%");
  const width = size(layer.dimensions?.width_in_px) ?? (fills && positioned ? fill(placement.canvas.width, x) : undefined);
  const height = size(layer.dimensions?.height_in_px) ?? (fills && positioned ? fill(placement.canvas.height, y) : undefined);
  // Pixel sizes where known (clip polygons, image attributes and pre-rendered boxes need numbers).
  const pxWidth = typeof width === "number" ? width : undefined;
  const pxHeight = typeof height === "number" ? height : undefined;
  const base: Record<string, unknown> = {
    display: "flex",
    flexShrink: 0,
    ...(positioned ? { position: "absolute", left: x, top: y } : { position: "relative" }),
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    ...(layer.opacity !== 100 ? { opacity: layer.opacity / 100 } : {}),
    ...("rotation_in_degrees" in layer && layer.rotation_in_degrees ? { transform: `rotate(${layer.rotation_in_degrees}deg)` } : {}),
  };

  switch (layer.type) {
    case "solid-color":
      return {
        type: "div",
        props: {
          style: {
            ...base,
            ...radii(layer),
            backgroundColor: cssColor(layer.hex_color),
            ...(layer.angled_edges?.length && pxWidth !== undefined && pxHeight !== undefined
              ? { clipPath: angledEdgesClip(layer.angled_edges, pxWidth, pxHeight) }
              : {}),
          },
        },
      };
    case "gradient": {
      const stops = [...layer.colors]
        .sort((a, b) => a.position - b.position)
        .map((stop) => `${cssColor(stop.hex_color)} ${stop.position}%`)
        .join(", ");
      // The contract's 0° runs left to right, CSS's runs bottom to top.
      const image =
        layer.gradient_type === "linear"
          ? `linear-gradient(${(layer.angle_in_degrees ?? 0) + 90}deg, ${stops})`
          : `radial-gradient(circle at center, ${stops})`;
      return { type: "div", props: { style: { ...base, ...radii(layer), backgroundImage: image } } };
    }
    case "text":
      return prerenderedElement(ctx.images.get(layer), base, pxWidth, pxHeight) ?? textElement(layer, base, ctx);
    case "image":
      return {
        type: "div",
        props: {
          style: { ...base, ...radii(layer), overflow: "hidden" },
          children: {
            type: "img",
            props: {
              src: ctx.images.get(layer)!,
              ...(pxWidth !== undefined ? { width: pxWidth } : {}),
              ...(pxHeight !== undefined ? { height: pxHeight } : {}),
              style: { width: "100%", height: "100%", objectFit: "cover" },
            },
          },
        },
      };
    case "qr-code":
      return codeElement(ctx, base, layer.background_hex_color, qrCodeSvg(layer.value, codeColors(layer)), pxWidth, pxHeight);
    case "barcode": {
      const svg = barcodeSvg(ctx.barcodes!, layer.value, layer.format, codeColors(layer), `${ctx.paths.get(layer)!} (barcode)`);
      return codeElement(ctx, base, layer.background_hex_color, svg, pxWidth, pxHeight);
    }
    case "layout":
      return prerenderedElement(ctx.images.get(layer), base, pxWidth, pxHeight) ?? layoutElement(layer, base, ctx, { width: pxWidth, height: pxHeight });
  }
}

function codeColors(layer: { foreground_hex_color: string; background_hex_color: string }) {
  return { foreground: layer.foreground_hex_color, background: layer.background_hex_color };
}

/** A pre-rendered box (text or layout) placed like the layer itself. */
function prerenderedElement(src: string | undefined, base: Record<string, unknown>, width?: number, height?: number): Element | null {
  if (!src) {
    return null;
  }
  return { type: "div", props: { style: base, children: { type: "img", props: { src, width, height, style: { width: "100%", height: "100%" } } } } };
}

function codeElement(ctx: BuildContext, base: Record<string, unknown>, background: string, svg: string, width?: number, height?: number): Element {
  return {
    type: "div",
    props: {
      style: { ...base, backgroundColor: cssColor(background), alignItems: "center", justifyContent: "center" },
      children: {
        type: "img",
        props: {
          src: ctx.store.svg(svg),
          ...(width !== undefined ? { width: Math.min(width, height ?? width) } : {}),
          ...(height !== undefined ? { height: Math.min(height, width ?? height) } : {}),
          style: { objectFit: "contain", width: "100%", height: "100%" },
        },
      },
    },
  };
}

const ALIGN: Record<string, string> = { start: "flex-start", center: "center", end: "flex-end" };

function layoutElement(layer: LayoutLayer, base: Record<string, unknown>, ctx: BuildContext, box: { width?: number; height?: number }): Element {
  const row = layer.direction === "horizontal";
  const padding =
    layer.padding !== undefined
      ? { padding: layer.padding }
      : {
          paddingTop: layer.padding_top ?? 0,
          paddingRight: layer.padding_right ?? 0,
          paddingBottom: layer.padding_bottom ?? 0,
          paddingLeft: layer.padding_left ?? 0,
        };
  const inner = { width: box.width ?? 0, height: box.height ?? 0 };
  const background = byIndex(layer.background_layers ?? []).map((child) =>
    layerElement(child, ctx, { absolute: true, canvas: inner }),
  );
  const children = byIndex(layer.layers).map((child) => layerElement(child, ctx, { absolute: false, canvas: inner }));
  return {
    type: "div",
    props: {
      style: {
        ...base,
        ...radii(layer),
        ...padding,
        flexDirection: row ? "row" : "column",
        gap: layer.gap,
        justifyContent: ALIGN[row ? layer.horizontal_alignment : layer.vertical_alignment],
        alignItems: ALIGN[row ? layer.vertical_alignment : layer.horizontal_alignment],
        ...(layer.background_color ? { backgroundColor: cssColor(layer.background_color) } : {}),
      },
      children: [...background, ...children],
    },
  };
}

type TextLayer = Extract<Layer, { type: "text" }>;

/** `**bold**` and `*italic*` runs, in order. */
export function parseInlineMarkdown(text: string): { text: string; bold: boolean; italic: boolean }[] {
  const runs: { text: string; bold: boolean; italic: boolean }[] = [];
  const pattern = /\*\*([^*]+)\*\*|\*([^*]+)\*/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) {
      runs.push({ text: text.slice(last, match.index), bold: false, italic: false });
    }
    runs.push(match[1] !== undefined ? { text: match[1], bold: true, italic: false } : { text: match[2]!, bold: false, italic: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) {
    runs.push({ text: text.slice(last), bold: false, italic: false });
  }
  return runs;
}

function textElement(layer: TextLayer, base: Record<string, unknown>, ctx: BuildContext, fontSize = ctx.fontSizes.get(layer) ?? layer.font_size_in_px): Element {
  const weight = FONT_WEIGHTS[layer.font_weight] ?? 400;
  const justify = { left: "flex-start", center: "center", right: "flex-end" }[layer.text_align];
  const paragraphs = layer.text.split(/\r?\n/).map((line, i): Element => {
    // One span per word (with its trailing space): flex-wrap then breaks lines between words.
    const words = parseInlineMarkdown(line).flatMap((run) =>
      (run.text.match(/\S+\s*|\s+/g) ?? []).map(
        (word): Element => ({
          type: "span",
          props: {
            style: {
              whiteSpace: "pre",
              fontWeight: run.bold ? 700 : weight,
              fontStyle: run.italic ? "italic" : layer.font_style,
            },
            children: word,
          },
        }),
      ),
    );
    return {
      type: "div",
      props: {
        style: {
          display: "flex",
          flexWrap: layer.is_splitting_lines ? "wrap" : "nowrap",
          justifyContent: justify,
          minHeight: fontSize * 1.2,
          ...(i > 0 && layer.paragraph_spacing_in_px ? { marginTop: layer.paragraph_spacing_in_px } : {}),
        },
        children: words,
      },
    };
  });
  return {
    type: "div",
    props: {
      style: {
        ...base,
        flexDirection: "column",
        justifyContent: { top: "flex-start", center: "center", bottom: "flex-end" }[layer.vertical_align],
        color: cssColor(layer.text_color),
        fontFamily: ctx.family(layer.font_name),
        fontSize,
        lineHeight: 1.2,
      },
      children: paragraphs,
    },
  };
}

const MIN_AUTO_SCALE_SIZE = 4;

/**
 * The largest size up to `font_size_in_px` at which the text's height fits its box: `font_size_in_px` itself when
 * it fits, else a bisection between 4 px and a bound from the box's area, in at most MAX_AUTO_SCALE_PASSES layouts
 * (each lays out the whole text: 10,000 characters once took 30 of them, 48 s).
 */
async function fitFontSize(layer: TextLayer, ctx: BuildContext, measure: (element: Element, width: number) => Promise<number>): Promise<number> {
  const boxWidth = size(layer.dimensions.width_in_px);
  const boxHeight = size(layer.dimensions.height_in_px);
  if (boxWidth === undefined || boxHeight === undefined) {
    return layer.font_size_in_px;
  }
  const fits = async (fontSize: number) =>
    (await measure(textElement(layer, { display: "flex", width: boxWidth }, ctx, fontSize), boxWidth)) <= boxHeight;
  if (await fits(layer.font_size_in_px)) {
    return layer.font_size_in_px;
  }
  // Glyphs are at least ~0.4 em wide and lines 1.2 em high: text that fits covers at most its box's area.
  const areaBound = Math.sqrt((boxWidth * boxHeight) / (Math.max(1, layer.text.length) * 0.4 * 1.2));
  let low = MIN_AUTO_SCALE_SIZE;
  let high = Math.max(low, Math.min(layer.font_size_in_px, areaBound));
  for (let pass = 1; pass < MAX_AUTO_SCALE_PASSES && high - low > 0.5; pass++) {
    const middle = (low + high) / 2;
    if (await fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}
