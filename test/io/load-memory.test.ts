// Loading reads tensor bytes straight into the model's params: the peak memory a load adds
// beyond the parameters themselves stays under 10% of the file plus a fixed 8 MiB. Measured on
// a 100 MB model in a fresh process, from the kernel's high-water mark of resident memory
// (VmHWM); the numbers are printed. (The gradients are allocated but never touched, so their
// zero pages are not resident.)
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Dense, Sequential } from '../../lib/index';
import { scratchDir } from '../helpers';

const dir = scratchDir('memory');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Under npm run test:sanitize, AddressSanitizer's shadow memory and quarantine make RSS say
// nothing about the loader, so the measurement runs in the normal builds only.
const sanitized = process.env.LD_PRELOAD?.includes('libasan') === true;

test.runIf(existsSync('/proc/self/status') && !sanitized)('loading a 100 MB model needs under 10% of the file plus 8 MiB beyond its parameters', async () => {
  const file = path.join(dir, 'big.safetensors');
  await new Sequential({ inputSize: 5000, layers: [new Dense(5000)] }).save(file);
  const fileMiB = statSync(file).size / 2 ** 20;
  const output = execFileSync(process.execPath, ['-e', `
    const lib = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'index.js'))});
    const fs = require('node:fs');
    const hwm = () => Number(/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
    (async () => {
      const before = hwm();
      const model = await lib.Sequential.load(${JSON.stringify(file)});
      console.log(JSON.stringify({ before, after: hwm(), params: model.params.byteLength / 2 ** 20 }));
    })();
  `]).toString();
  const { before, after, params } = JSON.parse(output) as { before: number; after: number; params: number };
  const extra = after - before - params;
  console.log(`load of a ${fileMiB.toFixed(1)} MiB model: peak RSS ${before.toFixed(1)} → ${after.toFixed(1)} MiB; beyond its ${params.toFixed(1)} MiB of parameters, ${extra.toFixed(1)} MiB (limit ${(0.1 * fileMiB + 8).toFixed(1)})`);
  expect(fileMiB).toBeGreaterThan(95);
  expect(extra).toBeLessThan(0.1 * fileMiB + 8);
});
