// Optimizers by their stateDict type name, for model files: the file records `type` and
// `options`, and loading builds the same optimizer again.
import { Adam, AdamW } from './adam';
import type { Optimizer } from './optimizer';
import { RMSprop } from './rmsprop';
import { SGD } from './sgd';

const OPTIMIZERS: Record<string, new (options: Record<string, unknown>) => Optimizer> = {
  sgd: SGD, adam: Adam, adamw: AdamW, rmsprop: RMSprop,
};

export const OPTIMIZER_TYPES = Object.keys(OPTIMIZERS);

/** A new optimizer of `type` ('sgd', 'adam', 'adamw', 'rmsprop'), or undefined for an unknown type. */
export function createOptimizer(type: string, options: Record<string, unknown>): Optimizer | undefined {
  const Class = Object.hasOwn(OPTIMIZERS, type) ? OPTIMIZERS[type] : undefined;
  return Class === undefined ? undefined : new Class(options);
}
