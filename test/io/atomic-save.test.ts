// save() is atomic and durable: a process killed with SIGKILL at any moment of a save leaves
// the target as one complete version, never a mix or a truncated file; the temporary files such
// deaths leave behind are removed by the next save.
import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Dense, Sequential } from '../../lib/index';
import { scratchDir } from '../helpers';

const dir = scratchDir('atomic');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dist = path.join(__dirname, '..', '..', 'dist', 'index.js');
const KILLS = 200;
const WRITERS = 4;

// About 1 MB of parameters: each save takes long enough that kills land inside it.
function versionZero(): Sequential {
  const m = new Sequential({ inputSize: 256, layers: [new Dense(1024)] });
  m.params.fill(0);
  return m;
}

/**
 * A child that saves versions first, first + 1, … (every parameter = the version) until it is
 * killed; resolves to the last version it had started to save.
 */
function saveUntilKilled(target: string, first: number, delayMs: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', `
    const lib = require(${JSON.stringify(dist)});
    const model = new lib.Sequential({ inputSize: 256, layers: [new lib.Dense(1024)] });
    (async () => {
      process.stdout.write('ready\\n');
      for (let version = ${first}; ; version++) {
        model.params.fill(version);
        process.stdout.write(version + '\\n');
        await model.save(${JSON.stringify(target)});
      }
    })();
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.once('close', (code, signal) => {
      const lines = output.trim().split('\n');
      if (signal !== 'SIGKILL' || lines[0] !== 'ready') reject(new Error(`the saving child ended by itself (${code ?? signal}): ${JSON.stringify(output)}`));
      // Killed before it started its first save (a loaded machine can delay it): the file holds first - 1.
      else resolve(lines.length < 2 ? first - 1 : Number(lines.at(-1)));
    });
  });
}

test(`${KILLS} SIGKILLs during saves: the file always loads as one saved version; no temporary files pile up`, async () => {
  const targets = Array.from({ length: WRITERS }, (_, i) => path.join(dir, `model-${i}.safetensors`));
  for (const target of targets) await versionZero().save(target);
  const versions: number[] = [];
  let failed = false;
  await Promise.all(targets.map(async (target, writer) => {
    let saved = 0; // the version the file holds
    for (let kill = writer; kill < KILLS && !failed; kill += WRITERS) {
      const started = await saveUntilKilled(target, saved + 1, 5 + ((kill * 37) % 60));
      const loaded = await Sequential.load(target);
      const version = loaded.params[0]!;
      expect(loaded.params.every((v) => v === version), `after kill ${kill} the file mixes versions`).toBe(true);
      // The save in progress either completed (its version) or left the one before it.
      expect([started - 1, started], `after kill ${kill}`).toContain(version);
      versions.push(started - version);
      saved = version;
    }
  }).map((writer) => writer.catch((error: unknown) => {
    failed = true; // the other writers stop spawning children
    throw error;
  })));
  expect(versions).toHaveLength(KILLS);
  // The kills landed at different points of a save: before its rename (the old version stays)
  // and after it (the new one is there).
  expect(new Set(versions)).toEqual(new Set([0, 1]));
  for (const target of targets) await versionZero().save(target);
  expect(readdirSync(dir).filter((f) => f.endsWith('.blastrain-tmp'))).toEqual([]);
}, 300_000);
