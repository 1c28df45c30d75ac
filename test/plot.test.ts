// plotHistory and SvgPlotter: valid SVG (a strict XML parser reads it), the panels and series
// asked for, gaps for non-finite values, nice ticks, log scale, options checked; the plotter
// rewrites its file every epoch (with a reload while training) and leaves a plain picture.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { Dense, FileError, SGD, Sequential, SvgPlotter, plotHistory } from '../lib/index';
import { linearScale, logScale } from '../lib/plot/axis';
import { parseSvg, tempDir } from './cli/run';

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
  expect(() => plotHistory(HISTORY, { colour: 'red' } as never)).toThrow("Unknown option 'colour' in plotHistory options");
  expect(() => new SvgPlotter('x.svg', { colour: 'red' } as never)).toThrow("Unknown option 'colour' in SvgPlotter options");
  expect(() => plotHistory(HISTORY, { metrics: ['loss', 3] as never })).toThrow('Expected non-empty array of history keys for metrics but received array');
  expect(() => plotHistory(HISTORY, { logScale: 1 as never })).toThrow('Expected boolean for logScale but received 1 of type number');
  expect(() => plotHistory(HISTORY, { title: 7 as never })).toThrow('Expected string for title but received 7 of type number');
  expect(() => plotHistory({ epoch: [0], loss: [true] } as never)).toThrow('Expected array of numbers for history.loss');
});

test('only keys that start with val and a capital are validation twins; a key merely containing val is its own panel', () => {
  const svg = plotHistory({ epoch: [0, 1], loss: [1, 0.5], intervalScore: [3, 2], valLoss: [1.2, 0.9] });
  const panels = [...svg.matchAll(/<g class="panel" data-key="([^"]+)"/g)].map((m) => m[1]);
  expect(panels).toEqual(['loss', 'intervalScore']);
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

test('the pictures, element for element, match the reviewed ones (test/fixtures/plots/*.svg, looked at rendered in Chromium)', async () => {
  // Any change to the layout (positions, ticks, labels, styles) shows here; after reviewing the
  // new rendering, regenerate with: npx vitest run test/plot.test.ts -u
  await expect(plotHistory(HISTORY, { title: 'Golden & <reviewed>' })).toMatchFileSnapshot('fixtures/plots/history.svg');
  await expect(plotHistory(HISTORY, { logScale: true, metrics: ['loss', 'valAccuracy'], width: 400, panelHeight: 200 })).toMatchFileSnapshot('fixtures/plots/history-log.svg');
  const long = { epoch: Array.from({ length: 80 }, (_, i) => i), loss: Array.from({ length: 80 }, (_, i) => 1 / (i + 1)) };
  await expect(plotHistory(long)).toMatchFileSnapshot('fixtures/plots/history-80-epochs.svg'); // no markers past 60 points
});

test('nice steps: 1, 2, 5 or 10 × 10^k by where span/count falls', () => {
  const step = (raw: number) => {
    const t = linearScale(0, raw * 5, 5).ticks;
    return Number((t[1]! - t[0]!).toPrecision(6));
  };
  expect([1.4, 1.5, 2.9, 3, 6.9, 7, 14, 0.07].map(step)).toEqual([1, 2, 2, 5, 5, 10, 10, 0.1]);
  // A single value gets a range around it: ±1 around 0, ±10% otherwise.
  expect(linearScale(0, 0).ticks.map((t) => Number(t.toFixed(6)))).toEqual([-1, -0.5, 0, 0.5, 1]);
  const around5 = linearScale(5, 5);
  expect([around5.ticks[0], around5.ticks.at(-1)]).toEqual([4.4, 5.6000000000000005]);
  expect(linearScale(-5, -5).ticks[0]).toBeLessThan(-5);
  // The axis covers whole ticks; at() places values on it.
  const s = linearScale(0.5, 9.5);
  expect([s.ticks[0], s.ticks.at(-1)]).toEqual([0, 10]);
  expect([s.at(0), s.at(2.5), s.at(10)]).toEqual([0, 0.25, 1]);
  expect(linearScale(1, 3, 8, true).ticks).toEqual([1, 2, 3]); // whole steps on an epoch axis
  expect(linearScale(0, 1, 5).ticks).toHaveLength(6);
  // Labels: as many decimals as the step needs; no negative zero.
  expect(linearScale(0, 1).label(0.4)).toBe('0.4');
  expect(linearScale(0, 0.1).label(0.02)).toBe('0.02');
  expect(linearScale(0, 100).label(40)).toBe('40');
  expect(linearScale(-1, 1).label(-1e-17)).toBe('0.0');
  expect(linearScale(0, 1e-30).label(0)).toBe('0.00000000000000000000');
});

test('log ticks: whole decades, with 2 and 5 between when the range spans two decades or less; big and small labels in exponent form', () => {
  expect(logScale(0.5, 5).ticks).toEqual([0.1, 0.2, 0.5, 1, 2, 5, 10]);
  expect(logScale(0.5, 50).ticks).toEqual([0.1, 1, 10, 100]);
  expect(logScale(0.001, 50).ticks).toEqual([0.001, 0.01, 0.1, 1, 10, 100]);
  expect(logScale(3, 3).ticks).toEqual([1, 2, 5, 10]); // at least one decade
  const s = logScale(1e-6, 1e6);
  expect([s.label(1e-6), s.label(1e-4), s.label(1e-3), s.label(1000), s.label(1e4), s.label(1e6)]).toEqual(['1e-6', '1e-4', '0.001', '1000', '1e+4', '1e+6']);
  expect(logScale(0.01, 1).label(0.05)).toBe('0.05');
  expect([logScale(1, 100).at(10), logScale(1, 100).at(1), logScale(1, 100).at(100)]).toEqual([0.5, 0, 1]);
});

test('a log-scale panel leaves out values ≤ 0; titles: the given one or the quantities plotted', () => {
  const svg = plotHistory({ epoch: [0, 1, 2], loss: [1, 0, 0.1] }, { logScale: true });
  expect(paths(svg).training![0]!.match(/M/g)).toHaveLength(2);
  expect(svgOf(plotHistory({ epoch: [0], loss: [1], accuracy: [0.5] })).texts).not.toContain('Training curves: loss, accuracy');
  expect(plotHistory({ epoch: [0], loss: [1], accuracy: [0.5] })).toContain('<title>Training curves: loss, accuracy</title>');
  expect(plotHistory({ epoch: [0], loss: [1] }, { title: 'T' })).toContain('<title>T</title>');
  expect(plotHistory({ epoch: [0], loss: [1] }, { panelHeight: 120, width: 200 })).toMatch(/<svg [^>]*width="200" height="120" viewBox="0 0 200 120"/);
  expect(plotHistory({ epoch: [0], loss: [1] }, { title: 'T', panelHeight: 150 })).toMatch(/height="186"/); // the title takes 36 pixels
  expect(() => plotHistory({ epoch: [0], loss: [1] }, { title: 3 } as never)).toThrow('Expected string for title');
  expect(() => plotHistory({ epoch: [0], loss: [1] }, { metrics: [3] } as never)).toThrow('Expected non-empty array of history keys for metrics');
  expect(() => plotHistory({ epoch: [0], loss: [1] }, { panelHeight: 119 })).toThrow('Expected integer from 120 to 10000 for panelHeight');
  expect(plotHistory({ epoch: [0], loss: [1] }, { panelHeight: 120 })).toContain('height="120"');
  expect(() => plotHistory({ epoch: 'x' } as never)).toThrow('Expected array of numbers for history.epoch');
  // A key named like a validation twin only when val is followed by a capital.
  expect(svgOf(plotHistory({ epoch: [0], loss: [1], valve: [2] } as never)).panels).toEqual(['loss', 'valve']);
});

test('SvgPlotter: a fresh history each fit, nothing written without an epoch, no reload with refreshSeconds 0, write failures as FileError', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'c.svg');
  const plotter = new SvgPlotter(file, { refreshSeconds: 0 });
  plotter.onTrainBegin();
  await plotter.onEpochEnd(0, { loss: 1 });
  expect(readFileSync(file, 'utf8')).not.toContain('<script>');
  plotter.onTrainBegin();
  await plotter.onEpochEnd(0, { loss: 2 });
  await plotter.onEpochEnd(1, { loss: 3 });
  expect(paths(readFileSync(file, 'utf8')).training![0]!.match(/L/g)).toHaveLength(1); // two points: the first fit's is gone
  const untouched = new SvgPlotter(path.join(dir, 'never.svg'));
  await untouched.onTrainEnd();
  expect(() => readFileSync(path.join(dir, 'never.svg'))).toThrow();
  const nowhere = new SvgPlotter(path.join(dir, 'missing', 'dir', 'c.svg'));
  await expect(nowhere.onEpochEnd(0, { loss: 1 })).rejects.toThrow(FileError);
  await expect(nowhere.onEpochEnd(1, { loss: 1 })).rejects.toThrow(/^Cannot write the training curves .*missing\/dir\/c\.svg: ENOENT/);
  expect(() => new SvgPlotter(5 as never)).toThrow('Expected non-empty string for SvgPlotter path');
  expect(() => new SvgPlotter(file, { colour: 1 } as never)).toThrow(/SvgPlotter options/);
  expect(() => new SvgPlotter(file, { metrics: 'loss' } as never)).toThrow(/metrics/);
  expect(new SvgPlotter(file).refreshSeconds).toBe(5);
});
