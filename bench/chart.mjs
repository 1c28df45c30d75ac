// A grouped bar chart, log scale: each system's speed-up over the naive JS baseline per config.
const COLORS = ['#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#ff7f0e', '#d62728', '#17becf', '#7f7f7f'];

export function speedupChart(results, configs, systems, baselineKey) {
  const width = 960;
  const height = 420;
  const margin = { left: 60, right: 310, top: 40, bottom: 40 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const estimated = (c, key) => Boolean(results.find((r) => r.config === c && r.system === key)?.estimate);
  const speedups = configs.map((c) => {
    const base = results.find((r) => r.config === c && r.system === baselineKey && r.samplesPerSecond);
    return systems.map((s) => {
      const r = results.find((x) => x.config === c && x.system === s.key);
      return base && r?.samplesPerSecond ? r.samplesPerSecond / base.samplesPerSecond : undefined;
    });
  });
  const values = speedups.flat().filter((v) => v !== undefined);
  const anyEstimate = configs.some((c) => systems.some((s) => estimated(c, s.key)));
  const lo = Math.floor(Math.log10(Math.min(0.1, ...values)));
  const hi = Math.ceil(Math.log10(Math.max(10, ...values)));
  const y = (v) => margin.top + plotH - ((Math.log10(v) - lo) / (hi - lo)) * plotH;
  const group = plotW / configs.length;
  const bar = (group * 0.8) / systems.length;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${margin.left}" y="22" font-size="15">Training speed-up over a naive JS MLP (samples/s ratio, log scale)</text>`,
  ];
  for (let p = lo; p <= hi; p++) {
    const yy = y(10 ** p);
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${yy + 4}" text-anchor="end">${10 ** p >= 1 ? `${10 ** p}×` : `${10 ** p}×`}</text>`);
  }
  configs.forEach((c, ci) => {
    const x0 = margin.left + ci * group + group * 0.1;
    speedups[ci].forEach((v, si) => {
      if (v === undefined) return;
      const top = y(v);
      const base = y(10 ** lo);
      const rough = estimated(c, systems[si].key) || estimated(c, baselineKey);
      parts.push(`<rect x="${x0 + si * bar}" y="${top}" width="${bar - 2}" height="${base - top}" fill="${COLORS[si % COLORS.length]}"${rough ? ' fill-opacity="0.45"' : ''}><title>${systems[si].name}: ${rough ? '~' : ''}${v.toFixed(1)}×</title></rect>`);
    });
    parts.push(`<text x="${margin.left + ci * group + group / 2}" y="${margin.top + plotH + 20}" text-anchor="middle">${c}</text>`);
  });
  systems.forEach((s, si) => {
    const yy = margin.top + si * 20;
    parts.push(`<rect x="${width - margin.right + 15}" y="${yy}" width="12" height="12" fill="${COLORS[si % COLORS.length]}"/>`);
    parts.push(`<text x="${width - margin.right + 32}" y="${yy + 10}">${s.name.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`);
  });
  if (anyEstimate) {
    parts.push(`<text x="${width - margin.right + 15}" y="${margin.top + systems.length * 20 + 16}" fill="#555">pale bars: from a single cold step</text>`);
    parts.push(`<text x="${width - margin.right + 15}" y="${margin.top + systems.length * 20 + 32}" fill="#555">(a system too slow for 5 runs)</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
