#pragma once

#include <vector>

#include "kernels/cpu/kernel-table.h"

namespace xc {

// Adds the Q4_K / Q6_K interleaved dots and 4×4, 4×2 tiles built for AVX-512 VNNI to `table`; false when
// this file was compiled without AVX-512 (interleaved-kquant-avx512.cc).
bool add_avx512_kquant_interleaved(KernelTable& table);

// One rows × tokens shape of those kernels (TileFn's contract).
struct KQuantTile {
  GgmlType type;
  int rows;
  int tokens;
  TileFn fn;
};

// Every shape the K-quant kernels are built in (4 rows × 1..8 tokens, and the 1 × 1 dot), so a table
// can take any of them for a tile slot and the harness checks them all; empty when this build or CPU
// lacks AVX-512 VNNI.
std::vector<KQuantTile> avx512_kquant_tiles();

}  // namespace xc
