// The one header that includes <cblas.h>: every kernel reaches BLAS through here, so a
// different BLAS (or a mock under a sanitizer build) changes a single include.
#pragma once

#include <cblas.h>
