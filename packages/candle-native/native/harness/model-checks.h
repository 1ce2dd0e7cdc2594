#pragma once

// What the end-to-end model checks share: model-checks.cc (the trained model, consistency, kernels and
// layouts agree), batch-checks.cc (a row's logits whatever else its call holds), argmax-checks.cc.
#include <cstdint>
#include <string>
#include <vector>

#include "check.h"

namespace xch {

// node-llama-cpp's greedy continuation of BOS + [403, 407, 261, 378] on stories260K (F32).
extern const std::vector<int32_t> kStoriesPrompt;
extern const std::vector<int32_t> kStoriesGreedy;

// `count` token ids below `vocab`, a different spread for each salt.
std::vector<int32_t> tokens_for(int count, int vocab, int salt);
// Where `got` first departs from `want`, or "" where it holds all of `want`.
std::string first_difference(const std::vector<int32_t>& got, const std::vector<int32_t>& want);
bool same_bits(const std::vector<float>& a, const std::vector<float>& b);

void check_decode_batch(Checker& check, const std::string& path, const std::string& label, int batch, double tolerance);
void check_forked_decode_batch(Checker& check, const std::string& path, const std::string& label, int batch,
                               double tolerance);
void check_split_decode(Checker& check, const std::string& path, const std::string& label, double tolerance);
void check_stretch_as_decode_rows(Checker& check, const std::string& path, const std::string& label);
void check_threads_agree(Checker& check, const std::string& path, const std::string& label);
void check_forward_argmax(Checker& check, const std::string& path);
void check_sparse_head_argmax(Checker& check, const std::string& path, const std::string& label);

}  // namespace xch
