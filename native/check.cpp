#include "check.h"

#include <cmath>

long first_non_finite(const float* a, long n) {
  for (long i = 0; i < n; i++)
    if (!std::isfinite(a[i])) return i;
  return -1;
}
