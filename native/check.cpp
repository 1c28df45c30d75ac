#include "check.h"

#include <cmath>
#include <cstdint>
#include <cstring>

bool all_finite(const float* a, long n) {
  // IEEE 754 binary32: NaN and ±Infinity are exactly the values whose 8 exponent bits are all set.
  const uint32_t exponent = 0x7f800000u;
  uint32_t any = 0;
  for (long i = 0; i < n; i++) {
    uint32_t bits;
    std::memcpy(&bits, a + i, sizeof bits);
    any |= (uint32_t)((bits & exponent) == exponent);
  }
  return any == 0;
}

long first_non_finite(const float* a, long n) {
  // Every call's input is scanned (predict's too), so the scan must cost little beside a GEMM:
  // blocks are tested branch-free (all_finite vectorises; an early-exit loop over isfinite does
  // not, and was 11% of a 1,024-row predict on small), and only a failing block is searched.
  const long block = 4096;
  for (long start = 0; start < n; start += block) {
    long len = n - start < block ? n - start : block;
    if (all_finite(a + start, len)) continue;
    for (long i = start; i < start + len; i++)
      if (!std::isfinite(a[i])) return i;
  }
  return -1;
}
