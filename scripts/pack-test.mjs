// What a user does: `npm pack`, install the tarball into a new project, then `require` and
// `import` blastrain and train a tiny model. Asserts that the bundled prebuild was loaded (no
// compiler ran during install) and that it needs no BLAS library at run time.
// Needs `npm run prebuild` first. Run: node scripts/pack-test.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const prebuildDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

function check(condition, message) {
  if (!condition) {
    console.error(`pack test FAILED: ${message}`);
    process.exit(1);
  }
  console.log(`ok - ${message}`);
}

check(existsSync(prebuildDir), `a prebuild exists in ${path.relative(root, prebuildDir)} (run npm run prebuild)`);
const prebuild = path.join(prebuildDir, readdirSync(prebuildDir).find((f) => f.endsWith('.node')));
if (process.platform === 'linux') {
  const needed = run('readelf', ['-d', prebuild], root).split('\n').filter((l) => l.includes('(NEEDED)'));
  check(!needed.some((l) => /blas|lapack|gfortran/i.test(l)), `the prebuild needs no BLAS or Fortran library (${needed.map((l) => /\[(.*)\]/.exec(l)?.[1]).join(', ')})`);
}

const work = mkdtempSync(path.join(tmpdir(), 'blastrain-pack-'));
try {
  const tarball = path.join(work, JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root))[0].filename);
  check(existsSync(tarball), `npm pack wrote ${path.basename(tarball)}`);
  const app = path.join(work, 'app');
  run('mkdir', ['-p', app]);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', tarball], app);
  const installed = path.join(app, 'node_modules', 'blastrain');
  check(!existsSync(path.join(installed, 'build')), 'install compiled nothing (no build/ directory)');

  const train = `
    const model = new Sequential({ inputSize: 2, seed: 1, layers: [new Dense(8, { activation: 'tanh' }), new Dense(1, { activation: 'sigmoid' })] });
    model.compile({ loss: 'binaryCrossentropy', optimizer: new SGD({ lr: 0.5, momentum: 0.9 }) });
    const x = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]);
    await model.fit(x, new Float32Array([0, 1, 1, 0]), { epochs: 300, batchSize: 4 });
    const info = blasInfo();
    console.log(JSON.stringify({ binary: info.binary, predictions: Array.from(model.predict(x), Math.round) }));`;
  writeFileSync(path.join(app, 'cjs.cjs'), `const { Sequential, Dense, SGD, blasInfo } = require('blastrain');\n(async () => {${train}})();\n`);
  writeFileSync(path.join(app, 'esm.mjs'), `import { Sequential, Dense, SGD, blasInfo } from 'blastrain';\n${train}\n`);
  for (const file of ['cjs.cjs', 'esm.mjs']) {
    const result = JSON.parse(run(process.execPath, [file], app));
    check(result.binary.includes(`${path.sep}prebuilds${path.sep}`), `${file}: loaded the prebuild ${path.relative(app, result.binary)}`);
    check(result.predictions.join() === '0,1,1,0', `${file}: trained XOR (${result.predictions})`);
  }
  console.log('pack test: every check passed');
} finally {
  rmSync(work, { recursive: true, force: true });
}
