// Training curves as a self-contained SVG: one panel per quantity (loss, then each metric), the
// training series solid with round markers and the validation series dashed with square ones,
// so the two read apart without colour (in print, for colour-blind readers). No dependencies:
// the SVG is built as text, every text node escaped.
import type { History } from '../train/callbacks';
import { validationKey } from '../metrics/metrics';
import { boolean, invalid, plainObject, positiveInteger, readArray, readOptions } from '../validate';
import { linearScale, logScale, type Scale } from './axis';

export interface PlotOptions {
  /** The quantities to plot, one panel each (their val<Name> twin joins the panel). Default: loss and every metric in the history. */
  metrics?: readonly string[];
  /** A log₁₀ y axis for the loss panels (a loss that falls by orders of magnitude). Default false. */
  logScale?: boolean;
  /** Width of the picture in pixels. Default 720. */
  width?: number;
  /** Height of each panel in pixels. Default 260. */
  panelHeight?: number;
  /** A heading above the panels. */
  title?: string;
}

const MARGIN = { left: 72, right: 20, top: 40, bottom: 46 };
const SERIES = [
  { name: 'training', stroke: '#1f5fa8', dash: '', marker: 'circle' },
  { name: 'validation', stroke: '#c4351b', dash: '7 4', marker: 'square' },
] as const;
/** More points than this and markers would blur into the line. */
const MAX_MARKERS = 60;

type Series = readonly number[];

/** A series and its style: SERIES[0] training, SERIES[1] validation. */
interface Line {
  values: Series;
  style: 0 | 1;
}

/** PlotOptions checked; `metrics` still to be found in the history. */
export interface CheckedPlotOptions {
  readonly metrics: readonly string[] | undefined;
  readonly log: boolean;
  readonly width: number;
  readonly panelHeight: number;
  readonly title: string | undefined;
}

export function checkPlotOptions(options: PlotOptions, owner = 'plotHistory'): CheckedPlotOptions {
  const o = readOptions(`${owner} options`, options, ['metrics', 'logScale', 'width', 'panelHeight', 'title']);
  if (o.title !== undefined && typeof o.title !== 'string') throw invalid('title', 'string', o.title);
  const metrics = o.metrics === undefined ? undefined : readArray(o.metrics);
  if (o.metrics !== undefined && (metrics === undefined || metrics.length === 0 || !metrics.every((m) => typeof m === 'string'))) {
    throw invalid('metrics', 'non-empty array of history keys', o.metrics);
  }
  return {
    metrics: metrics as string[] | undefined,
    log: boolean('logScale', o.logScale ?? false),
    width: pixels('width', o.width ?? 720, 200),
    panelHeight: pixels('panelHeight', o.panelHeight ?? 260, 120),
    title: o.title as string | undefined,
  };
}

/** The history (a fit's return value, or its JSON) as an SVG document. */
export function plotHistory(history: History | Readonly<Record<string, readonly number[]>>, options: PlotOptions = {}): string {
  return renderHistory(history, checkPlotOptions(options));
}

export function renderHistory(history: History | Readonly<Record<string, readonly number[]>>, options: CheckedPlotOptions): string {
  const { width, panelHeight, title } = options;
  const h = plainObject('history', history) as Record<string, unknown>;
  const epochs = numbers('history.epoch', h.epoch);
  const series = (key: string): Series | undefined => (h[key] === undefined ? undefined : numbers(`history.${key}`, h[key], epochs.length));
  const keys = Object.keys(h).filter((k) => k !== 'epoch');
  options.metrics?.forEach((m, i) => {
    if (!keys.includes(m)) throw invalid(`metrics[${i}]`, `one of the history's keys (${keys.join(', ')})`, m);
  });
  const chosen = options.metrics ?? keys.filter((k) => k !== 'lr' && !(isValidation(k) && keys.includes(trainKey(k))));
  if (chosen.length === 0) throw invalid('history', 'object with at least one series besides epoch and lr', history);

  const top = title === undefined ? 0 : 36;
  const height = top + chosen.length * panelHeight;
  const body = chosen.map((key, i) => {
    const lines: Line[] = [{ values: series(key)!, style: isValidation(key) ? 1 : 0 }];
    const twin = isValidation(key) ? undefined : series(validationKey(key));
    if (twin !== undefined) lines.push({ values: twin, style: 1 });
    return panel(key, epochs, lines, { y: top + i * panelHeight, width, height: panelHeight, log: options.log && /loss/i.test(key) });
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escape(title ?? `Training curves: ${chosen.join(', ')}`)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...(title === undefined ? [] : [`<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escape(title)}</text>`]),
    ...body,
    `</svg>`,
    '',
  ].join('\n');
}

function pixels(name: string, value: unknown, min: number): number {
  const n = positiveInteger(name, value, 10000);
  if (n < min) throw invalid(name, `integer from ${min} to 10000`, value);
  return n;
}

function isValidation(key: string): boolean {
  return /^val[A-Z]/.test(key);
}

/** The training quantity a val<Name> key belongs to. */
function trainKey(key: string): string {
  return `${key[3]!.toLowerCase()}${key.slice(4)}`;
}

function numbers(name: string, value: unknown, length?: number): Series {
  const list = readArray(value);
  if (list === undefined || !list.every((v) => typeof v === 'number' || v === null)) throw invalid(name, 'array of numbers', value);
  if (length !== undefined && list.length !== length) throw invalid(name, `array of ${length} numbers (one per epoch)`, value);
  // JSON writes NaN and ±Infinity as null: a gap in the line, as NaN is.
  return list.map((v) => (v === null ? NaN : (v as number)));
}

interface Frame {
  y: number;
  width: number;
  height: number;
  log: boolean;
}

function panel(key: string, epochs: Series, lines: readonly Line[], frame: Frame): string {
  const usable = (v: number) => Number.isFinite(v) && (!frame.log || v > 0);
  const values = lines.flatMap((l) => l.values).filter(usable);
  const x0 = MARGIN.left;
  const x1 = frame.width - MARGIN.right;
  const y0 = frame.y + frame.height - MARGIN.bottom;
  const heading = `${key}${frame.log ? ' (log scale)' : ''}`;
  // The legend sits right of the heading (about 8.5 pixels a character at 14 px bold), or, in a
  // picture too narrow for both, on a row of its own below it.
  const legendLeft = x1 - 100 * lines.length + 10;
  const legendBelow = legendLeft < x0 + heading.length * 8.5 + 16;
  const y1 = frame.y + MARGIN.top + (legendBelow ? 18 : 0);
  const out: string[] = [`<g class="panel" data-key="${escape(key)}">`];
  out.push(`<text x="${x0}" y="${frame.y + 24}" font-size="14" font-weight="bold">${escape(heading)}</text>`);
  const xs = epochs.map((e) => e + 1); // shown 1-based, as the progress line counts epochs
  const xScale = linearScale(Math.min(...xs, 1), Math.max(...xs, 1), Math.min(8, Math.max(1, xs.length - 1)), true);
  const yScale: Scale | undefined = values.length === 0 ? undefined
    : frame.log ? logScale(Math.min(...values), Math.max(...values)) : linearScale(Math.min(...values), Math.max(...values));
  const px = (v: number) => round(x0 + xScale.at(v) * (x1 - x0));
  const py = (v: number) => round(y0 - yScale!.at(v) * (y0 - y1));

  // Grid and axes.
  for (const t of xScale.ticks) {
    out.push(`<line x1="${px(t)}" y1="${y1}" x2="${px(t)}" y2="${y0}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${px(t)}" y="${y0 + 16}" text-anchor="middle">${escape(xScale.label(t))}</text>`);
  }
  for (const t of yScale?.ticks ?? []) {
    out.push(`<line x1="${x0}" y1="${py(t)}" x2="${x1}" y2="${py(t)}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${x0 - 6}" y="${py(t) + 4}" text-anchor="end">${escape(yScale!.label(t))}</text>`);
  }
  out.push(`<path d="M${x0} ${y1}V${y0}H${x1}" fill="none" stroke="#333333"/>`);
  out.push(`<text x="${(x0 + x1) / 2}" y="${y0 + 36}" text-anchor="middle">epoch</text>`);
  if (yScale === undefined) out.push(`<text x="${(x0 + x1) / 2}" y="${(y0 + y1) / 2}" text-anchor="middle" fill="#777777">no finite values</text>`);

  // The series: a line broken at each non-finite value, then markers.
  for (const line of lines) {
    if (yScale === undefined) break;
    const style = SERIES[line.style];
    const points = line.values.map((v, i) => (usable(v) ? [px(xs[i]!), py(v)] as const : undefined));
    let d = '';
    let pen = false;
    for (const p of points) {
      if (p === undefined) pen = false;
      else {
        d += `${pen ? 'L' : 'M'}${p[0]} ${p[1]}`;
        pen = true;
      }
    }
    const dash = style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`;
    out.push(`<path class="${style.name}" d="${d}" fill="none" stroke="${style.stroke}" stroke-width="2"${dash}/>`);
    if (points.length <= MAX_MARKERS) for (const p of points) if (p !== undefined) out.push(marker(style, p[0], p[1]));
  }

  // Legend, top right: a sample of each line with its marker.
  lines.forEach((line, i) => {
    const style = SERIES[line.style];
    const lx = (legendBelow ? x0 : legendLeft) + i * 100;
    const ly = frame.y + (legendBelow ? 40 : 20);
    const dash = style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="${style.stroke}" stroke-width="2"${dash}/>`);
    out.push(marker(style, lx + 14, ly));
    out.push(`<text x="${lx + 34}" y="${ly + 4}">${style.name}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

function marker(style: (typeof SERIES)[number], x: number, y: number): string {
  return style.marker === 'circle'
    ? `<circle cx="${x}" cy="${y}" r="3.5" fill="${style.stroke}"/>`
    : `<rect x="${round(x - 3.5)}" y="${round(y - 3.5)}" width="7" height="7" fill="#ffffff" stroke="${style.stroke}" stroke-width="1.5"/>`;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
