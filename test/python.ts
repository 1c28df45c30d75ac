// Finding a Python that has PyTorch (Debian's python3-torch installs into /usr/bin/python3, which
// a pyenv or venv python3 earlier on PATH does not see). Tests that need it are skipped, saying
// so, only where none is installed; .ci/run installs python3-torch, so CI always runs them.
import { execFileSync, spawnSync } from 'node:child_process';

function hasModules(python: string, modules: string[]): boolean {
  return spawnSync(python, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore', env: pythonEnv() }).status === 0;
}

/** A python3 that imports every module, or undefined (after a warning naming the package to install). */
export function findPython(modules: string[], debianPackages: string): string | undefined {
  const python = ['/usr/bin/python3', 'python3'].find((p) => hasModules(p, modules));
  if (python === undefined) console.warn(`skipping: no python3 with ${modules.join(', ')} (sudo apt-get install ${debianPackages})`);
  return python;
}

/**
 * The environment for Python: without the AddressSanitizer runtime that npm run test:sanitize
 * preloads for Node (it would instrument PyTorch, which aborts under it; Python never loads the
 * addon anyway).
 */
export function pythonEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { LD_PRELOAD: _preload, ASAN_OPTIONS: _asan, UBSAN_OPTIONS: _ubsan, ...env } = process.env;
  return { ...env, ...extra };
}

/** Runs a Python script; returns its standard output parsed as JSON. */
export function runPython(python: string, script: string, args: string[], cwd?: string): unknown {
  return JSON.parse(execFileSync(python, [script, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26, env: pythonEnv() }));
}
