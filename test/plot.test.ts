// plotHistory and SvgPlotter: valid SVG (a strict XML parser reads it), the panels and series
// asked for, gaps for non-finite values, nice ticks, log scale, options checked; the plotter
// rewrites its file every epoch (with a reload while training) and leaves a plain picture.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { Dense, SGD, Sequential, SvgPlotter, plotHistory } from '../lib/index';
import { linearScale, logScale } from '../lib/plot/axis';
import { parseSvg, tempDir } from './cli/run';
import { writeFileSync } from 'node:fs';

const HISTORY = {
  epoch: [0, 1, 2, 3],
  loss: [1.2, 0.6, 0.35, 0.3],
  accuracy: [0.5, 0.75, 0.875, 0.9],
  lr: [0.1, 0.1, 0.05, 0.05],
  valLoss: [1.3, 0.7, 0.5, 0.55],
  valAccuracy: [0.45, 0.7, 0.8, 0.8],
};

function svgOf(text: string): ReturnType<typeof parseSvg> {
  const file = path.join(tempDir(), 'plot.svg');
  writeFileSync(file, text);
  return parseSvg(file);
}

/** The d attribute of each series path, by class. */
function paths(svg: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of svg.matchAll(/<path class="(training|validation)" d="([^"]*)"/g)) (out[m[1]!] ??= []).push(m[2]!);
  return out;
}

test('one panel per quantity, its validation twin in the same panel; lr only when asked', () => {
  const svg = plotHistory(HISTORY);
  const parsed = svgOf(svg);
  expect(parsed.panels).toEqual(['loss', 'accuracy']);
  expect(parsed.paths).toBe(4);
  expect(parsed.texts).toEqual(expect.arrayContaining(['loss', 'accuracy', 'epoch', 'training', 'validation']));
  expect(svgOf(plotHistory(HISTORY, { metrics: ['lr', 'valAccuracy'] })).panels).toEqual(['lr', 'valAccuracy']);
  // A validation series on its own is drawn as validation (dashed, square markers).
  expect(Object.keys(paths(plotHistory(HISTORY, { metrics: ['valAccuracy'] })))).toEqual(['validation']);
});

test('the two series differ by more than colour: solid with circles, dashed with squares', () => {
  const svg = plotHistory(HISTORY, { metrics: ['loss'] });
  expect(svg).toMatch(/<path class="training" d="[^"]+" fill="none" stroke="#[0-9a-f]{6}" stroke-width="2"\/>/);
  expect(svg).toMatch(/<path class="validation" d="[^"]+" fill="none" stroke="#[0-9a-f]{6}" stroke-width="2" stroke-dasharray="7 4"\/>/);
  expect((svg.match(/<circle /g) ?? []).length).toBe(4 + 1); // 4 points and the legend's
  expect((svg.match(/<rect x=/g) ?? []).length).toBe(4 + 1);
});

test('points sit where their values are: epochs 1-based on x, values on a nice y axis', () => {
  const svg = plotHistory({ epoch: [0, 1, 2], loss: [0, 0.5, 1] }, { metrics: ['loss'], width: 400, panelHeight: 200 });
  // x from 72 to 380 over ticks 1..3 at whole steps; y from 154 (0) up to 40 (1) over 0..1.
  const d = paths(svg).training![0]!;
  const points = [...d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  const xs = points.map((p) => p[0]!);
  const ys = points.map((p) => p[1]!);
  expect(xs[1]! - xs[0]!).toBeCloseTo(xs[2]! - xs[1]!, 1);
  expect(ys[0]! - ys[1]!).toBeCloseTo(ys[1]! - ys[2]!, 1);
  expect(ys[0]).toBeCloseTo(200 - 46, 1);
  expect(ys[2]).toBeCloseTo(40, 1);
});

test('a non-finite value (NaN, or null from JSON) breaks the line instead of dragging it', () => {
  const svg = plotHistory({ epoch: [0, 1, 2, 3], loss: [1, NaN, 0.5, 0.25], valLoss: [1, 0.8, null, 0.4] } as never);
  const { training, validation } = paths(svg);
  expect(training![0]!.match(/M/g)).toHaveLength(2);
  expect(validation![0]!.match(/M/g)).toHaveLength(2);
  expect(svgOf(plotHistory({ epoch: [0], loss: [NaN] })).texts).toContain('no finite values');
});

test('ticks: 1, 2 or 5 × 10^k on a linear axis, decades on a log axis', () => {
  expect(linearScale(0.03, 0.97).ticks.map((t) => Number(t.toFixed(6)))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  expect(linearScale(1, 20, 8, true).ticks).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
  expect(linearScale(3, 3).ticks.length).toBeGreaterThan(1);
  expect(linearScale(-0.5, 0.5).label(0)).toBe('0.0');
  const log = logScale(0.004, 2);
  expect(log.ticks).toEqual([0.001, 0.01, 0.1, 1, 10]);
  expect(log.at(0.1)).toBeCloseTo(0.5, 12);
  expect(logScale(0.05, 0.3).ticks).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
  const svg = plotHistory(HISTORY, { logScale: true });
  expect(svgOf(svg).texts).toEqual(expect.arrayContaining(['loss (log scale)', 'accuracy']));
});

test('titles and keys are escaped; the picture is valid XML whatever they hold', () => {
  const parsed = svgOf(plotHistory({ epoch: [0], loss: [1], 'a<b>&"c\'': [2] } as never, { title: '<script>alert("x")</script> & more' }));
  expect(parsed.texts).toContain('<script>alert("x")</script> & more');
  expect(parsed.panels).toEqual(['loss', 'a<b>&"c\'']);
});

test('options and histories are checked, naming what is wrong', () => {
  expect(() => plotHistory(HISTORY, { metrics: ['precision'] })).toThrow("Expected one of the history's keys (loss, accuracy, lr, valLoss, valAccuracy) for metrics[0] but received 'precision'");
  expect(() => plotHistory(HISTORY, { metrics: [] })).toThrow('Expected non-empty array of history keys for metrics');
  expect(() => plotHistory(HISTORY, { width: 100 })).toThrow('Expected integer from 200 to 10000 for width but received 100');
  expect(() => plotHistory(HISTORY, { colour: 'red' } as never)).toThrow(/colour/);
  expect(() => plotHistory({ epoch: [0, 1], loss: [1] })).toThrow('Expected array of 2 numbers (one per epoch) for history.loss');
  expect(() => plotHistory({ epoch: [0], loss: ['1'] } as never)).toThrow('Expected array of numbers for history.loss');
  expect(() => plotHistory({ epoch: [0], lr: [1] })).toThrow('Expected object with at least one series besides epoch and lr for history');
});

test('SvgPlotter rewrites its file every epoch, reloading while training, and leaves a plain picture', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'curves.svg');
  const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
  const y = Float32Array.from({ length: 32 }, (_, i) => Math.cos(i));
  const model = new Sequential({ inputSize: 2, layers: [new Dense(4, { activation: 'tanh' }), new Dense(1)] });
  model.compile({ loss: 'mse', optimizer: new SGD({ lr: 0.05 }) });
  const seen: string[] = [];
  const plotter = new SvgPlotter(file, { refreshSeconds: 2, metrics: ['loss'] });
  await model.fit(x, y, {
    epochs: 3, batchSize: 8, validationSplit: 0.25,
    callbacks: [plotter, { onEpochEnd: () => void seen.push(readFileSync(file, 'utf8')) }],
  });
  expect(seen).toHaveLength(3);
  seen.forEach((svg, i) => {
    expect(svg).toContain('<script>setTimeout(function () { location.reload(); }, 2000);</script>');
    expect(paths(svg).training![0]!.match(/[ML]/g)).toHaveLength(i + 1);
    expect(svgOf(svg).panels).toEqual(['loss']);
  });
  const final = readFileSync(file, 'utf8');
  expect(final).not.toContain('<script>');
  expect(svgOf(final).paths).toBe(2);
  expect(() => new SvgPlotter(file, { refreshSeconds: -1 })).toThrow('refreshSeconds');
  expect(() => new SvgPlotter(file, { width: 5 })).toThrow('width');
  expect(() => new SvgPlotter('')).toThrow('SvgPlotter path');
});
