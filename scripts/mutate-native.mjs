// Mutation testing for native/: plants one small bug at a time in a kernel file (an operator
// swapped, a constant changed, a term dropped), rebuilds incrementally, and runs the tests that
// exercise the kernels against that binary. A mutant the tests do not notice "survives": either
// a test is missing, or the change is equivalent (listed below with the reason).
//
//   node scripts/mutate-native.mjs                       every mutant of every kernel file
//   node scripts/mutate-native.mjs --sample 40 --seed 1  a fixed random sample (what CI runs)
//   node scripts/mutate-native.mjs --files loss,sgd      some files only
//   ... --report docs/mutation-native.md                 write the report there
//
// It works in a copy of the tree (a temporary directory; node_modules linked), so the checkout's
// own build is never touched.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: 'dense,small_gemm,activation,loss,sgd,adam,rmsprop,network' },
    sample: { type: 'string' },
    seed: { type: 'string', default: '1' },
    report: { type: 'string' },
    // Only the mutants on these lines (file:line,…), e.g. to re-run a report's survivors.
    lines: { type: 'string' },
  },
});

// The tests that run every kernel: PyTorch vectors, gradient checks, the backend comparison,
// the independent references, the learning checks, the metric counters.
const TESTS = [
  'test/vectors.test.ts', 'test/gradcheck.test.ts', 'test/backends.test.ts', 'test/independent-references.test.ts',
  'test/learning.test.ts', 'test/optimizers.test.ts', 'test/native-guards.test.ts', 'test/errors.test.ts', 'test/schedules.test.ts',
  'test/dropout.test.ts', 'test/metrics.test.ts',
];

// Changes that cannot alter behaviour, by file and the mutated line's text, with the reason.
const ONE_PAST = 'writes one float past its block, into the next block of the same workspace, which is written before it is read (a memory error no result shows, inside one allocation so ASan cannot see it either; only a canary between blocks would)';
const TIE = 'differs only at an exact tie, where both branches give the same value';
const SAME_SUMS = 'moves a block boundary: the same sums in the same order, in narrower vectors or single rows';
const OTHER_PATH = "sends some products to the other path (these loops or OpenBLAS): the same product summed in another order, within the tests' float32 tolerances; only the speed differs";
const EQUIVALENT = [
  { file: 'sgd.cpp', line: 'if (c != 1.0f) cblas_sscal(n, c, momentum, 1);', to: '0.0f', why: 'then it also scales by c = 1, which is exact' },
  { file: 'network.cpp', line: 'if (pending_scale != 1.0f) clip_scale(grads, (int)n_params, pending_scale);', to: '0.0f', why: 'then it also scales by 1, which is exact' },
  { file: 'adam.cpp', line: 'if (o.amsgrad) v = max_exp_avg_sq[i] = max_exp_avg_sq[i] > v ? max_exp_avg_sq[i] : v;', to: '>=', why: 'taking an equal maximum changes nothing' },
  { file: 'activation.cpp', line: 'if (z >= 0.0f) return 1.0f / (1.0f + std::exp(-z));', to: '>', why: 'at z = 0 both branches give 0.5' },
  { file: 'activation.cpp', line: 'if (z >= 0.0f) return 1.0f / (1.0f + std::exp(-z));', to: '1.0f', why: 'both branches are the same logistic function, written two ways for stability; between 0 and 1 either is exact to float32' },
  { file: 'loss.cpp', line: 'for (int k = 1; k < K; k++) max = z[k] > max ? z[k] : max;', to: '>=', why: 'taking an equal maximum changes nothing' },
  { file: 'activation.cpp', line: 'for (int c = 1; c < C; c++) max = y[c] > max ? y[c] : max;', to: '>=', why: 'taking an equal maximum changes nothing' },
  { file: 'activation.cpp', line: 'for (long i = 0; i < n; i++) y[i] = y[i] > 0.0f ? y[i] : 0.0f;', to: '>=', why: TIE },
  { file: 'activation.cpp', line: 'for (long i = 0; i < n; i++) y[i] = y[i] > 0.0f ? y[i] : alpha * y[i];', to: '>=', why: TIE },
  { file: 'loss.cpp', line: 'sum += (zk > 0.0f ? zk : 0.0f) - zk * y[k] + std::log1p(std::exp(-std::fabs(zk)));', to: '>=', why: TIE },
  { file: 'network.cpp', line: 'opt.grad_scale = 1.0f;', to: '0.0f', why: 'each call builds its own Optimizer record and drops it after the run, so resetting its clip factor at the end is never read' },
  { file: 'network.cpp', line: 'int B = (int)(run.n_samples - start < run.batch_size ? run.n_samples - start : run.batch_size);', to: '<=', why: TIE },
  { file: 'network.cpp', line: 'int B = (int)(n - start < capacity ? n - start : capacity);', to: '<=', why: TIE },
  { file: 'network.cpp', line: 'for (long start = 0; start < n; start += capacity) {', to: '<=', why: 'adds a last chunk of 0 rows, which computes and writes nothing' },
  { file: 'network.cpp', line: 'for (int m = 0; m < net.n_counters; m++) {', to: '<=', why: "reads one counter record past the plan's list (a memory read no result shows): whatever kind it holds, the pass at most activates the output once more, which only the error counters read, and those already had it" },
  ...[
    ['dense.cpp', 'for (int b = 0; b < B; b++) std::memcpy(y + (long)b * OC, bias, sizeof(float) * OC);'],
    ['activation.cpp', 'for (long i = 0; i < n; i++) y[i] = y[i] > 0.0f ? y[i] : 0.0f;'],
    ['activation.cpp', 'for (long i = 0; i < n; i++) y[i] = y[i] > 0.0f ? y[i] : alpha * y[i];'],
    ['activation.cpp', 'for (long i = 0; i < n; i++) y[i] = std::tanh(y[i]);'],
    ['activation.cpp', 'for (long i = 0; i < n; i++) d[i] = y[i] > 0.0f ? d[i] : 0.0f;'],
    ['activation.cpp', 'for (long i = 0; i < n; i++) d[i] = y[i] > 0.0f ? d[i] : alpha * d[i];'],
    ['activation.cpp', 'for (long i = 0; i < n; i++) d[i] *= y[i] * (1.0f - y[i]);'],
    ['activation.cpp', 'for (long i = 0; i < n; i++) d[i] *= 1.0f - y[i] * y[i];'],
    ['activation.cpp', 'for (int b = 0; b < B; b++) {'],
    ['loss.cpp', 'for (int k = 0; k < K; k++) dz[k] = (dz[k] * inv_sum * (float)y_sum - y[k]) / (float)B;'],
    ['loss.cpp', 'for (int k = 0; k < K; k++) dz[k] = (dz[k] * inv_sum - (k == label ? 1.0f : 0.0f)) / (float)B;'],
  ].map(([file, line]) => ({ file, line, to: '<=', why: ONE_PAST })),
  // small_gemm.cpp sums every result element over k in order whatever the blocking, so a block
  // boundary moved computes the same numbers with narrower vectors or single rows; and which path
  // a product takes (these loops or OpenBLAS) changes only the order of its sums and the speed.
  ...[
    ['for (; n + 8 <= N; n += 8) block<v8, R>(c, a, a_row, a_col, b, bias, accumulate, N, K, n);', '<', SAME_SUMS],
    ['for (; n + 8 <= N; n += 8) block<v8, R>(c, a, a_row, a_col, b, bias, accumulate, N, K, n);', '(dropped)', SAME_SUMS],
    ['if (n + 4 <= N) {', '<', SAME_SUMS],
    ['for (; m + 4 <= M; m += 4)', '<', SAME_SUMS],
    ['bool small_forward_fits(int C, int OC) { return OC >= 4 && (long)C * OC <= kSmallWeights; }', '>', OTHER_PATH],
    ['bool small_forward_fits(int C, int OC) { return OC >= 4 && (long)C * OC <= kSmallWeights; }', '<', OTHER_PATH],
    ['bool small_gemm_fits(int M, int N, int K) { return (long)M * N * K <= kSmallWork; }', '<', OTHER_PATH],
    ['bool small_gemm_fits(int M, int N, int K) { return (long)M * N * K <= kSmallWork; }', '/', OTHER_PATH],
    ['for (int c = 0; c < C; c++) t[(long)c * R + r] = w[(long)r * C + c];', '<=', 'writes one row past Wᵀ in its stack buffer, which nothing reads (at exactly 256 weights, past the buffer: a memory error no result shows; the sanitizer build runs the unmutated code)'],
  ].map(([line, to, why]) => ({ file: 'small_gemm.cpp', line, to, why })),
];

const OPERATORS = [
  [' + ', ' - '], [' - ', ' + '], [' * ', ' / '], [' / ', ' * '],
  [' < ', ' <= '], [' <= ', ' < '], [' > ', ' >= '], [' >= ', ' > '], [' == ', ' != '], [' != ', ' == '],
  [' += ', ' -= '], [' -= ', ' += '], [' *= ', ' /= '],
  ['0.0f', '1.0f'], ['1.0f', '0.0f'], ['2.0f', '1.0f'], ['0.5f', '1.0f'],
];

function mutantsOf(file) {
  const lines = readFileSync(path.join(root, 'native', file), 'utf8').split('\n');
  const mutants = [];
  lines.forEach((text, index) => {
    const code = text.replace(/\/\/.*$/, '');
    if (code.trim() === '' || code.trimStart().startsWith('#')) return;
    for (const [from, to] of OPERATORS) {
      for (let at = code.indexOf(from); at >= 0; at = code.indexOf(from, at + 1)) {
        mutants.push({ file, line: index + 1, text: text.trim(), from, to, replaced: text.slice(0, at) + to + text.slice(at + from.length) });
      }
    }
    // A dropped accumulation: the statement removed.
    if (/\+=|-=/.test(code) && code.trim().endsWith(';')) {
      mutants.push({ file, line: index + 1, text: text.trim(), from: code.trim(), to: '(dropped)', replaced: text.replace(code.trim(), '/* dropped */;') });
    }
  });
  return mutants;
}

function equivalent(m) {
  return EQUIVALENT.find((e) => e.file === m.file && e.line === m.text && e.to === m.to.trim() && (e.to !== '1.0f' || m.from === '0.0f'));
}

/** Deterministic sample (mulberry32 shuffle). */
function sample(list, n, seed) {
  let state = Number(seed) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

const all = args.files.split(',').flatMap((f) => mutantsOf(`${f}.cpp`));
const wanted = args.lines?.split(',');
const pool = wanted === undefined ? all : all.filter((m) => wanted.includes(`${m.file}:${m.line}`));
const chosen = args.sample === undefined ? pool : sample(pool, Number(args.sample), args.seed);
console.error(`${all.length} mutants in ${args.files}; running ${chosen.length}`);

const work = mkdtempSync(path.join(tmpdir(), 'blastrain-mutants-'));
for (const entry of ['native', 'lib', 'test', 'scripts', 'examples', 'CMakeLists.txt', 'binding.gyp', 'package.json', 'tsconfig.json', 'vitest.config.mts']) {
  cpSync(path.join(root, entry), path.join(work, entry), { recursive: true });
}
symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
execFileSync(bin('cmake-js'), ['rebuild'], { cwd: work, stdio: 'ignore' });

const results = [];
const started = Date.now();
for (const [i, m] of chosen.entries()) {
  const source = path.join(work, 'native', m.file);
  const original = readFileSync(source, 'utf8');
  const lines = original.split('\n');
  lines[m.line - 1] = m.replaced;
  writeFileSync(source, lines.join('\n'));
  let status;
  if (spawnSync(bin('cmake-js'), ['compile'], { cwd: work, stdio: 'ignore' }).status !== 0) status = 'does not compile';
  else {
    const run = spawnSync(bin('vitest'), ['run', '--bail', '1', ...TESTS], { cwd: work, stdio: 'ignore', timeout: 300_000 });
    status = run.status === 0 ? (equivalent(m) ? 'equivalent' : 'survived') : 'killed';
  }
  writeFileSync(source, original);
  results.push({ ...m, status });
  console.error(`[${i + 1}/${chosen.length}] ${status.padEnd(16)} ${m.file}:${m.line} ${m.from.trim()} → ${m.to.trim()}`);
}
spawnSync(bin('cmake-js'), ['compile'], { cwd: work, stdio: 'ignore' });
rmSync(work, { recursive: true, force: true });

const count = (s) => results.filter((r) => r.status === s).length;
const scored = count('killed') + count('survived');
const score = scored === 0 ? 100 : (100 * count('killed')) / scored;
const lines = [
  '# Native mutation testing',
  '',
  `Run: \`node scripts/mutate-native.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 10)}, ${Math.round((Date.now() - started) / 60000)} min.`,
  `Mutants: ${all.length} in ${args.files.split(',').map((f) => `native/${f}.cpp`).join(', ')}; run: ${results.length}.`,
  '',
  `| killed | survived | equivalent (listed in the script) | does not compile | score (killed ÷ killed + survived) |`,
  '|---:|---:|---:|---:|---:|',
  `| ${count('killed')} | ${count('survived')} | ${count('equivalent')} | ${count('does not compile')} | ${score.toFixed(1)}% |`,
  '',
  '## Survivors',
  '',
  ...(count('survived') === 0 ? ['None.'] : results.filter((r) => r.status === 'survived').map((r) => `- \`native/${r.file}:${r.line}\` \`${r.text}\`: \`${r.from.trim()}\` → \`${r.to.trim()}\``)),
  '',
  '## Equivalent mutants',
  '',
  ...EQUIVALENT.map((e) => `- \`native/${e.file}\` \`${e.line}\` → \`${e.to}\`: ${e.why}`),
  '',
  'An equivalent mutant is listed with its reason in `scripts/mutate-native.mjs` (EQUIVALENT) and not scored.',
  '',
];
if (args.report) writeFileSync(path.join(root, args.report), lines.join('\n'));
console.log(lines.join('\n'));
process.exitCode = count('survived') > 0 ? 1 : 0;
