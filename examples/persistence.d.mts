// Lets the README test import the example with types.
import type { Sequential } from '../lib/index';
export declare const dir: string;
export declare const model: Sequential;
export declare const resumed: Sequential;
