// Input checks that need a pass over the data, kept native so the pass is cheap.
#pragma once

// Index of the first NaN or ±Infinity in a (n,), or -1.
long first_non_finite(const float* a, long n);
