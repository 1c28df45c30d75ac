// Lets the README test import the example with types.
import type { EvaluateResult, History } from '../lib/index';
export declare const history: History;
export declare const result: EvaluateResult;
