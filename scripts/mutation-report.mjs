// The StrykerJS run over lib/ as a committed report: merges one or more Stryker JSON reports
// (a whole run, or a run in parts with disjoint `mutate` globs) into docs/mutation-js.md — the
// score per file and overall, and every surviving or uncovered mutant with its line — and a
// compact docs/mutation-js.json (each mutant's file, place, mutator, replacement and status).
//
//   npx stryker run && node scripts/mutation-report.mjs reports/mutation/mutation.json
//   node scripts/mutation-report.mjs reports/cli.json reports/data.json …   (a run in parts)
//   … --note "How these parts were run"                                    (a paragraph under the score)
//
// Score as Stryker computes it: detected (killed or timed out) ÷ (detected + survived + no
// coverage); mutants that do not compile or that Stryker ignores are not scored.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: options, positionals: inputs } = parseArgs({ options: { note: { type: 'string' } }, allowPositionals: true });
if (inputs.length === 0) {
  console.error('Usage: node scripts/mutation-report.mjs [--note TEXT] REPORT.json [REPORT.json …]');
  process.exit(2);
}

const files = {};
for (const input of inputs) {
  for (const [file, report] of Object.entries(JSON.parse(readFileSync(input, 'utf8')).files)) {
    if (files[file] !== undefined) throw new Error(`${file} is in more than one report: the parts' mutate globs overlap`);
    files[file] = report;
  }
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
function tally(mutants) {
  const count = (status) => mutants.filter((m) => m.status === status).length;
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
  const undetected = mutants.filter((m) => UNDETECTED.has(m.status)).length;
  return {
    mutants: mutants.length, killed: count('Killed'), timeout: count('Timeout'), survived: count('Survived'), noCoverage: count('NoCoverage'),
    notScored: mutants.length - detected - undetected, score: detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected),
  };
}

const names = Object.keys(files).sort();
/** Whether a file declares types only (interfaces, type aliases, type imports): nothing to mutate. */
function typesOnly(file) {
  const source = ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest);
  return source.statements.every((s) =>
    ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) ||
    (ts.isImportDeclaration(s) && s.importClause?.isTypeOnly === true) || (ts.isExportDeclaration(s) && s.isTypeOnly));
}
/** lib/'s TypeScript files with code that no report covers (a run in parts not finished yet). */
const missing = readdirSync(path.join(root, 'lib'), { recursive: true })
  .map((f) => `lib/${String(f).split(path.sep).join('/')}`)
  .filter((f) => f.endsWith('.ts') && !(f in files) && !typesOnly(f))
  .sort();
const all = tally(names.flatMap((f) => files[f].mutants));
const row = (name, t) => `| ${name} | ${t.mutants} | ${t.killed} | ${t.timeout} | ${t.survived} | ${t.noCoverage} | ${t.notScored} | ${t.score.toFixed(1)}% |`;
const lineOf = (source, line) => source.split('\n')[line - 1]?.trim() ?? '';
const clip = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
const code = (text) => `\`${text.replace(/`/g, "'").replace(/\s+/g, ' ')}\``;

const md = [
  '# StrykerJS mutation testing of lib/',
  '',
  `Run: StrykerJS (\`stryker.config.mjs\`, the in-process suite of \`test/mutation/vitest.config.mts\`) on ${new Date().toISOString().slice(0, 10)}; ` +
    `report written by \`node scripts/mutation-report.mjs ${inputs.map((i) => path.basename(i)).join(' ')}\`.`,
  '',
  `**Score: ${all.score.toFixed(1)}%** (killed or timed out ÷ killed, timed out, survived and not covered) over ${all.mutants} mutants in ${names.length} files` +
    (missing.length === 0 ? ': all of lib/.' : ` of lib/; ${missing.length} files not run yet (listed below the table).`),
  '',
  ...(options.note === undefined ? [] : [options.note, '']),
  'Not scored: mutants Stryker ignores as static (`ignoreStatic`: reached only while modules load or in a test file\'s `beforeAll`, outside any one test) and any that do not compile.',
  '',
  '| file | mutants | killed | timeout | survived | no coverage | not scored | score |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  row(missing.length === 0 ? '**all of lib/**' : '**the files below**', all),
  ...names.map((f) => row(f, tally(files[f].mutants))),
  '',
  ...(missing.length === 0 ? [] : [
    `Not run yet (${missing.length} files; \`node scripts/mutate-js.mjs --parts …\` adds them): ${missing.map((f) => `\`${f}\``).join(', ')}.`,
    '',
  ]),
  '## Mutants no test notices',
  '',
  'Each: the line, the mutator and what it put there. Survived: tests ran over it and passed; no coverage: no test of the suite reaches it.',
  '',
];
for (const file of names) {
  const { source, mutants } = files[file];
  const missed = mutants.filter((m) => UNDETECTED.has(m.status)).sort((a, b) => a.location.start.line - b.location.start.line);
  if (missed.length === 0) continue;
  md.push(`### ${file}`, '');
  for (const m of missed) {
    md.push(`- ${m.location.start.line}: ${code(clip(lineOf(source, m.location.start.line), 100))} — ${m.mutatorName}${m.replacement === undefined ? '' : ` → ${code(clip(m.replacement, 60))}`}${m.status === 'NoCoverage' ? ' (no coverage)' : ''}`);
  }
  md.push('');
}
writeFileSync(path.join(root, 'docs', 'mutation-js.md'), md.join('\n'));

const compact = {
  score: Number(all.score.toFixed(2)), totals: all, notRun: missing,
  files: Object.fromEntries(names.map((f) => [f, {
    ...tally(files[f].mutants),
    mutants: files[f].mutants.map((m) => [m.location.start.line, m.location.start.column, m.mutatorName, m.replacement ?? null, m.status]),
  }])),
};
writeFileSync(path.join(root, 'docs', 'mutation-js.json'), `${JSON.stringify(compact)}\n`);
console.log(`StrykerJS over ${missing.length === 0 ? 'lib/' : `${names.length} files of lib/ (${missing.length} not run yet)`}: ${all.score.toFixed(1)}% (${all.mutants} mutants; ${all.survived} survived, ${all.noCoverage} not covered) → docs/mutation-js.md`);
