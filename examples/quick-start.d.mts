// Lets the README test import the example with types.
export declare const history: { loss: number[]; accuracy: number[] };
