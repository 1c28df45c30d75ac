// Input checks that need a pass over the data, kept native so the pass is cheap.
#pragma once

// Index of the first NaN or ±Infinity in a (n,), or -1.
long first_non_finite(const float* a, long n);

// Whether every element of a (n,) is finite. Tests the exponent bits with integer operations,
// which the compiler vectorises without -ffast-math: cheap enough to run on every gradient.
bool all_finite(const float* a, long n);
