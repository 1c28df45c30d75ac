// Lets the README test import the example with types.
import type { EarlyStopping, History, Sequential } from '../lib/index';
export declare const dir: string;
export declare const history: History;
export declare const model: Sequential;
export declare const stopping: EarlyStopping;
