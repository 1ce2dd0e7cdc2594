#pragma once

// GCC 12's AVX-512 headers start masked operations from _mm512_undefined_*() and then warn about it
// wherever they are inlined (GCC bug 105593). Included before the intrinsics by every AVX-512 kernel
// file; the pragmas hold for the rest of that file.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
