// What a user does: `npm pack`, install the tarball into a new project, then `require` and
// `import` blastrain and train a tiny model. Asserts that the bundled prebuild was loaded (no
// compiler ran during install) and that it needs no BLAS library at run time. Then the same
// tarball without prebuilds/ (a platform blastrain ships no binary for): the install step must
// compile the addon from the packaged sources, and it must train. The installed `blastrain`
// command (npx blastrain) trains from a CSV, describes and uses the model, and says how to get
// the benchmark, which the package does not ship.
// Needs `npm run prebuild` first. Run: node scripts/pack-test.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, run } from './checks.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const prebuildDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);

check(existsSync(prebuildDir), `a prebuild exists in ${path.relative(root, prebuildDir)} (run npm run prebuild)`);
const prebuild = path.join(prebuildDir, readdirSync(prebuildDir).find((f) => f.endsWith('.node')));
const newestSource = Math.max(...readdirSync(path.join(root, 'native')).map((f) => statSync(path.join(root, 'native', f)).mtimeMs));
check(statSync(prebuild).mtimeMs >= newestSource, 'the prebuild is newer than every native/ source (else run npm run prebuild)');
if (process.platform === 'linux') {
  const needed = run('readelf', ['-d', prebuild], root).split('\n').filter((l) => l.includes('(NEEDED)'));
  check(!needed.some((l) => /blas|lapack|gfortran/i.test(l)), `the prebuild needs no BLAS or Fortran library (${needed.map((l) => /\[(.*)\]/.exec(l)?.[1]).join(', ')})`);
}

const work = mkdtempSync(path.join(tmpdir(), 'blastrain-pack-'));
try {
  const tarball = path.join(work, JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root))[0].filename);
  check(existsSync(tarball), `npm pack wrote ${path.basename(tarball)}`);
  const train = `
    const model = new Sequential({ inputSize: 2, seed: 1, layers: [new Dense(8, { activation: 'tanh' }), new Dense(1, { activation: 'sigmoid' })] });
    model.compile({ loss: 'binaryCrossentropy', optimizer: new SGD({ lr: 0.5, momentum: 0.9 }) });
    const x = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]);
    await model.fit(x, new Float32Array([0, 1, 1, 0]), { epochs: 300, batchSize: 4 });
    const info = blasInfo();
    console.log(JSON.stringify({ binary: info.binary, predictions: Array.from(model.predict(x), Math.round) }));`;

  /** A new project with `tgz` installed; returns the binary each module system loaded. */
  function installAndTrain(name, tgz) {
    const app = path.join(work, name);
    run('mkdir', ['-p', app]);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
    run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', tgz], app);
    writeFileSync(path.join(app, 'cjs.cjs'), `const { Sequential, Dense, SGD, blasInfo } = require('blastrain');\n(async () => {${train}})();\n`);
    writeFileSync(path.join(app, 'esm.mjs'), `import { Sequential, Dense, SGD, blasInfo } from 'blastrain';\n${train}\n`);
    const installed = path.join(app, 'node_modules', 'blastrain');
    const loaded = ['cjs.cjs', 'esm.mjs'].map((file) => {
      const result = JSON.parse(run(process.execPath, [file], app));
      check(result.predictions.join() === '0,1,1,0', `${name}/${file}: trained XOR (${result.predictions})`);
      return { file, binary: path.relative(installed, result.binary) };
    });
    return { installed, loaded };
  }

  const prebuilt = installAndTrain('with-prebuild', tarball);
  check(!existsSync(path.join(prebuilt.installed, 'build')), 'with a prebuild, install compiled nothing (no build/ directory)');
  for (const { file, binary } of prebuilt.loaded) check(binary.startsWith(`prebuilds${path.sep}`), `${file} loaded the prebuild ${binary}`);

  // The published types, as an ESM and a CommonJS TypeScript user each resolve them.
  const app = path.join(work, 'with-prebuild');
  const use = `const m = new Sequential({ inputSize: 2, layers: [new Dense(1)] });
    m.compile({ loss: 'mse', optimizer: new AdamW({ lr: 0.01, clipNorm: 1 }), metrics: ['mae', 'rmse'] });
    const out: Float32Array = m.predict(new Float32Array(2));
    const info: BlasInfo = blasInfo();
    export const used = [out, info];`;
  writeFileSync(path.join(app, 'typed.mts'), `import { AdamW, Dense, Sequential, blasInfo, type BlasInfo } from 'blastrain';\n${use}\n`);
  writeFileSync(path.join(app, 'typed.cts'), `import { AdamW, Dense, Sequential, blasInfo, type BlasInfo } from 'blastrain';\n${use}\n`);
  run(process.execPath, [
    path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--module', 'nodenext',
    '--moduleResolution', 'nodenext', '--typeRoots', path.join(root, 'node_modules', '@types'), '--types', 'node',
    'typed.mts', 'typed.cts',
  ], app);
  check(true, 'TypeScript resolves the types for import (typed.mts) and require (typed.cts)');

  // The command line, as a user runs it after npm install: npx blastrain.
  const rows = Array.from({ length: 400 }, (_, i) => {
    const [a, b] = [Math.sin(i * 0.7), Math.cos(i * 1.3)];
    return `${a.toFixed(4)},${b.toFixed(4)},${a * b > 0 ? 'same' : 'opposite'}`;
  });
  writeFileSync(path.join(app, 'signs.csv'), `a,b,sign\n${rows.join('\n')}\n`);
  const npx = (args) => run('npx', ['--no-install', 'blastrain', ...args], app);
  const trained = JSON.parse(npx(['train', 'signs.csv', '--target', 'sign', '--layers', '16,16', '--epochs', '60', '--lr', '0.01', '--out', 'signs.safetensors', '--json']));
  check(trained.loss === 'categoricalCrossentropy' && trained.classes.join() === 'opposite,same' && ['signs.safetensors', 'signs.history.json', 'signs.curves.svg'].every((f) => existsSync(path.join(app, f))),
    `npx blastrain train: ${trained.epochs} epochs, best ${trained.monitor} ${trained.best?.toFixed(4)}; wrote the model, its history and curves`);
  const evaluated = JSON.parse(npx(['eval', 'signs.safetensors', 'signs.csv', '--json']));
  check(evaluated.accuracy > 0.9 && evaluated.rows === 400, `npx blastrain eval: accuracy ${evaluated.accuracy}`);
  const predicted = npx(['predict', 'signs.safetensors', 'signs.csv']).trimEnd().split('\n');
  check(predicted[0] === 'predicted,prob_opposite,prob_same' && predicted.length === 401, 'npx blastrain predict: a header and 400 rows');
  check(npx(['info', 'signs.safetensors']).includes('Target: sign, classes opposite, same'), 'npx blastrain info describes the model');
  check(readFileSync(path.join(app, 'signs.curves.svg'), 'utf8').startsWith('<?xml'), 'the curves are an SVG document');
  const bench = spawnSync('npx', ['--no-install', 'blastrain', 'bench'], { cwd: app, encoding: 'utf8' });
  check(bench.status === 1 && bench.stderr.includes('The benchmark is not part of the npm package'), 'npx blastrain bench says how to get the benchmark');

  const unpacked = path.join(work, 'unpacked');
  run('mkdir', ['-p', unpacked]);
  run('tar', ['-xzf', tarball, '-C', unpacked]);
  rmSync(path.join(unpacked, 'package', 'prebuilds'), { recursive: true, force: true });
  const sourceOnly = path.join(work, 'source-only.tgz');
  run('tar', ['-czf', sourceOnly, '-C', unpacked, 'package']);
  const compiled = installAndTrain('from-source', sourceOnly);
  for (const { file, binary } of compiled.loaded) {
    check(binary === path.join('build', 'Release', 'blastrain.node'), `without a prebuild, install compiled the addon and ${file} loaded ${binary}`);
  }
  console.log('pack test: every check passed');
} finally {
  rmSync(work, { recursive: true, force: true });
}
