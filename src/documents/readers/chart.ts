/**
 * DrawingML charts (`c:chartSpace`, the chart parts of DOCX, PPTX and XLSX files): what a chart says is its title
 * and the data it plots. The data is read from the values the writing program cached in the part (every writer
 * caches them: the linked workbook is not needed) and becomes a table: the categories across the top, a row per
 * series with its name and values.
 */
import type { DocumentBuilder } from "../builder";
import { walkXml } from "./xml";

export interface Chart {
  title: string;
  /** The header row (an empty corner cell, then the categories) and a row per series. */
  rows: string[][];
}

interface Series {
  name: string;
  categories: string[];
  values: string[];
}

/** The title and data of a chart part; undefined when it plots nothing and has no title. */
export function readChart(xml: string, name: string): Chart | undefined {
  const series: Series[] = [];
  let title = "";
  let inTitle = false;
  let inPlotArea = false;
  let current: Series | undefined;
  /** Which of the series' parts a `c:pt` belongs to, and the index of the point being read. */
  let into: "name" | "categories" | "values" | undefined;
  let point = 0;
  let inValue = false;
  let inText = false;
  walkXml(
    xml,
    {
      open(tag, attributes) {
        // The chart's own title, not an axis's (those sit inside the plot area).
        if (tag === "c:plotArea") inPlotArea = true;
        else if (tag === "c:title" && !current && !inPlotArea) inTitle = true;
        else if (tag === "a:t") inText = true;
        else if (tag === "c:ser") current = { name: "", categories: [], values: [] };
        else if (current && tag === "c:tx") into = "name";
        else if (current && (tag === "c:cat" || tag === "c:xVal")) into = "categories";
        else if (current && (tag === "c:val" || tag === "c:yVal")) into = "values";
        else if (tag === "c:pt") point = Math.min(Number(attributes.idx) || 0, 10_000);
        else if (tag === "c:v") inValue = true;
      },
      text(text) {
        if (inTitle && inText) title += text;
        if (!current || !inValue || !into) return;
        if (into === "name") current.name += text;
        else current[into][point] = (current[into][point] ?? "") + text;
      },
      close(tag) {
        if (tag === "c:title") inTitle = false;
        else if (tag === "c:plotArea") inPlotArea = false;
        else if (tag === "a:t") inText = false;
        else if (tag === "c:v") inValue = false;
        else if (tag === "c:tx" || tag === "c:cat" || tag === "c:val" || tag === "c:xVal" || tag === "c:yVal") into = undefined;
        else if (tag === "c:ser" && current) {
          series.push(current);
          current = undefined;
        }
      },
    },
    { name },
  );
  if (series.length === 0) return title.trim() ? { title: title.trim(), rows: [] } : undefined;
  const width = Math.max(...series.map((one) => Math.max(one.categories.length, one.values.length)));
  const categories = series.find((one) => one.categories.length > 0)?.categories ?? [];
  const header = ["", ...Array.from({ length: width }, (_, i) => categories[i]?.trim() || String(i + 1))];
  const rows = series.map((one, i) => [one.name.trim() || `Series ${i + 1}`, ...Array.from({ length: width }, (_, j) => one.values[j]?.trim() ?? "")]);
  return { title: title.trim(), rows: [header, ...rows] };
}

/** A chart as a bold title (`Chart: ` before it where the chart stands apart from any text) and its data table. */
export function writeChart(builder: DocumentBuilder, chart: Chart, labelled = false): void {
  const title = labelled ? (chart.title ? `Chart: ${chart.title}` : "Chart") : chart.title;
  if (title) builder.text([{ text: title, bold: true }]);
  const table = builder.startTable();
  chart.rows.forEach((cells, i) => builder.row(cells, table, { header: i === 0 }));
}
