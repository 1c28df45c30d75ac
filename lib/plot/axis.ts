// Axis scales and their tick marks: linear ticks at 1, 2 or 5 × 10^k (Heckbert, "Nice numbers
// for graph labels", Graphics Gems, 1990), log ticks at powers of ten (and 2 and 5 between them
// when the range spans few decades).

export interface Scale {
  /** Value → 0..1 along the axis. */
  at(value: number): number;
  readonly ticks: readonly number[];
  /** A tick's label. */
  label(value: number): string;
}

/** The nice step (1, 2 or 5 × 10^k) that cuts `span` into about `count` parts. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  return (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * magnitude;
}

/** A linear scale over [min, max], widened to whole ticks; a single value gets a range around it. */
export function linearScale(min: number, max: number, count = 5, integers = false): Scale {
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    [min, max] = [min - pad, max + pad];
  }
  const step = Math.max(niceStep(max - min, count), integers ? 1 : 0);
  const low = Math.floor(min / step) * step;
  const high = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let i = 0; low + i * step <= high + step * 1e-9; i++) ticks.push(low + i * step);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return {
    at: (v) => (v - low) / (high - low),
    ticks,
    label: (v) => formatNumber(v, decimals),
  };
}

/** A log₁₀ scale over [min, max] (both > 0), widened to whole decades. */
export function logScale(min: number, max: number): Scale {
  const low = Math.floor(Math.log10(min));
  const high = Math.max(low + 1, Math.ceil(Math.log10(max)));
  const ticks: number[] = [];
  const between = high - low <= 2 ? [1, 2, 5] : [1];
  for (let e = low; e <= high; e++) for (const m of between) if (e < high || m === 1) ticks.push(m * 10 ** e);
  return {
    at: (v) => (Math.log10(v) - low) / (high - low),
    ticks,
    label: (v) => (Math.abs(Math.log10(v)) >= 4 ? v.toExponential(0) : formatNumber(v, Math.max(0, -Math.floor(Math.log10(v) + 1e-9)))),
  };
}

function formatNumber(v: number, decimals: number): string {
  const text = v.toFixed(Math.min(decimals, 20));
  return text === `-${(0).toFixed(Math.min(decimals, 20))}` ? text.slice(1) : text;
}
