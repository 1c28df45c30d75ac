#include "check.h"

#include <cmath>
#include <cstdint>
#include <cstring>

long first_non_finite(const float* a, long n) {
  for (long i = 0; i < n; i++)
    if (!std::isfinite(a[i])) return i;
  return -1;
}

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
