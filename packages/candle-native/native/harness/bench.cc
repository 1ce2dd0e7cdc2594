// xcandle-harness bench: prefill and greedy-decode speed through the C API.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "check.h"
#include "cpu-seconds.h"
#include "kernels/cpu/cpu-features.h"
#include "machine-probes.h"
#include "session.h"

namespace xch {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string resident_memory() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return line.substr(6);
  }
  return "?";
}

struct StepStats {
  double median = 0, fastest = 0;
};

StepStats step_stats(std::vector<double> steps) {
  if (steps.empty()) return {};
  std::sort(steps.begin(), steps.end());
  return {steps[steps.size() / 2], steps.front()};
}

// `batch` sequences, each prefilled with its own short prompt, then `gen` decode steps that append
// one token to every sequence in a single forward call; printed beside one sequence decoding alone.
// fork: the batch's sequences forked from the first one's prompt (sharing its KV pages, as the
// optimiser benchmark's candidates share a cached prefix), each decoding from its own first token.
// mask_tokens > 0: every greedy step's rows allow only the vocabulary's last mask_tokens tokens
// (xc_forward_argmax_masked), as a grammar-constrained step does: a few allowed tokens let the forward
// skip most of the output head, all but one take the whole head.
int bench_batched_decode(Session& session, int batch, int prompt, int gen, int repeat, bool engine_argmax, bool fork,
                         int mask_tokens) {
  const int vocab = session.vocab();
  std::vector<uint32_t> mask((static_cast<size_t>(vocab) + 31) / 32, 0);
  for (int i = std::max(0, vocab - mask_tokens); i < vocab; i++) mask[static_cast<size_t>(i) >> 5] |= 1u << (i & 31);
  const std::vector<const uint32_t*> masks(static_cast<size_t>(batch), mask.data());
  const auto forward_argmax = [&](const xc_batch_item* items, int count, int32_t* ids) {
    if (mask_tokens > 0) ok(xc_forward_argmax_masked(session.context(), items, count, masks.data(), ids, nullptr), "forward_argmax_masked");
    else ok(xc_forward_argmax(session.context(), items, count, ids, nullptr), "forward_argmax");
  };
  for (int r = 0; r < repeat; r++) {
    std::vector<int> sequences;
    std::vector<std::vector<int32_t>> next(static_cast<size_t>(batch));
    for (int b = 0; b < batch; b++) {
      if (fork && b > 0) {
        int32_t forked = -1;
        ok(xc_sequence_fork(session.context(), sequences[0], prompt, &forked), "fork");
        sequences.push_back(forked);
        next[static_cast<size_t>(b)] = {1 + (next[0][0] + b * 104729) % (vocab - 1)};
        continue;
      }
      sequences.push_back(session.create());
      std::vector<int32_t> tokens;
      for (int i = 0; i < prompt; i++) tokens.push_back(1 + (i * 7919 + b * 104729) % (vocab - 1));
      const std::vector<float> logits = session.forward(sequences.back(), tokens);
      next[static_cast<size_t>(b)] = {argmax(logits.data(), vocab)};
    }
    const double single_cpu = cpu_seconds();
    const auto single_start = std::chrono::steady_clock::now();
    std::vector<int32_t> token = next[0];
    std::vector<double> single_steps, batch_steps;  // wall seconds of each step
    auto step_start = std::chrono::steady_clock::now();
    for (int i = 0; i < gen; i++) {
      if (i > 0) single_steps.push_back(seconds_since(step_start));
      step_start = std::chrono::steady_clock::now();
      if (engine_argmax) {
        const xc_batch_item item{sequences[0], token.data(), 1, 0};
        int32_t id = 0;
        forward_argmax(&item, 1, &id);
        token = {id};
        continue;
      }
      const std::vector<float> logits = session.forward(sequences[0], token);
      token = {argmax(logits.data(), vocab)};
    }
    if (gen > 0) single_steps.push_back(seconds_since(step_start));
    const double single_seconds = seconds_since(single_start);
    const double single_cpu_seconds = cpu_seconds() - single_cpu;
    std::vector<float> logits(static_cast<size_t>(batch) * vocab);
    std::vector<int32_t> ids(static_cast<size_t>(batch));
    const double batch_cpu = cpu_seconds();
    const auto batch_start = std::chrono::steady_clock::now();
    for (int i = 0; i < gen; i++) {
      if (i > 0) batch_steps.push_back(seconds_since(step_start));
      step_start = std::chrono::steady_clock::now();
      std::vector<xc_batch_item> items;
      for (int b = 0; b < batch; b++) items.push_back({sequences[static_cast<size_t>(b)], next[static_cast<size_t>(b)].data(), 1, 0});
      if (engine_argmax) {
        forward_argmax(items.data(), batch, ids.data());
        for (int b = 0; b < batch; b++) next[static_cast<size_t>(b)] = {ids[static_cast<size_t>(b)]};
        continue;
      }
      ok(xc_forward(session.context(), items.data(), batch, logits.data(), nullptr), "forward");
      for (int b = 0; b < batch; b++) next[static_cast<size_t>(b)] = {argmax(logits.data() + static_cast<size_t>(b) * vocab, vocab)};
    }
    if (gen > 0) batch_steps.push_back(seconds_since(step_start));
    const double batch_seconds = seconds_since(batch_start);
    const double batch_cpu_seconds = cpu_seconds() - batch_cpu;
    const double single_rate = gen / single_seconds;
    const double batch_rate = static_cast<double>(gen) * batch / batch_seconds;
    std::printf("decode 1 seq: %.2f ms/step, %.1f tok/s | %d seqs: %.2f ms/step, %.1f tok/s | step cost %.2f× one, "
                "throughput %.2f×\n",
                1000 * single_seconds / gen, single_rate, batch, 1000 * batch_seconds / gen, batch_rate,
                batch_seconds / single_seconds, batch_rate / single_rate);
    std::printf("  CPU time: 1 seq %.2f ms/step | %d seqs %.2f ms/step | step cost %.2f× one\n", 1000 * single_cpu_seconds / gen,
                batch, 1000 * batch_cpu_seconds / gen, batch_cpu_seconds / single_cpu_seconds);
    // On a shared machine a step the OS interrupted counts in the means above: the median and the
    // fastest step show what the code itself costs.
    if (gen > 0) {
      const StepStats one = step_stats(single_steps), many = step_stats(batch_steps);
      std::printf("  per step (wall): 1 seq median %.2f, fastest %.2f ms | %d seqs median %.2f, fastest %.2f ms | "
                  "step cost %.2f× one (medians), %.2f× (fastest)\n",
                  1000 * one.median, 1000 * one.fastest, batch, 1000 * many.median, 1000 * many.fastest, many.median / one.median,
                  many.fastest / one.fastest);
    }
    for (int sequence : sequences) ok(xc_sequence_release(session.context(), sequence), "release");
  }
  return 0;
}

// `batch` sequences of `prompt` tokens each (after `cached` tokens already in each sequence)
// prefilled in one forward call, as a server's cold round of concurrent requests is.
int bench_prefill_together(Session& session, int batch, int prompt, int cached, int repeat) {
  const int vocab = session.vocab();
  for (int r = 0; r < repeat; r++) {
    std::vector<int> sequences;
    std::vector<std::vector<int32_t>> prompts(static_cast<size_t>(batch));
    std::vector<xc_batch_item> items;
    for (int b = 0; b < batch; b++) {
      sequences.push_back(session.create());
      std::vector<int32_t> prefix;
      for (int i = 0; i < cached; i++) prefix.push_back(1 + (i * 7919 + b * 104729) % (vocab - 1));
      if (cached > 0) session.forward(sequences.back(), prefix);
      for (int i = 0; i < prompt; i++) prompts[static_cast<size_t>(b)].push_back(1 + ((cached + i) * 7919 + b * 104729) % (vocab - 1));
      items.push_back({sequences.back(), prompts[static_cast<size_t>(b)].data(), prompt, 0});
    }
    std::vector<float> logits(static_cast<size_t>(batch) * vocab);
    const double cpu = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    ok(xc_forward(session.context(), items.data(), batch, logits.data(), nullptr), "forward");
    const double wall = seconds_since(start);
    const double cpu_spent = cpu_seconds() - cpu;
    std::printf("prefill %d × %d tokens after %d cached, one call: %.3f s, %.1f tok/s\n", batch, prompt, cached, wall,
                batch * prompt / wall);
    std::printf("  CPU time: prefill %.3f s, %.1f tok/CPU-second\n", cpu_spent, batch * prompt / cpu_spent);
    for (int sequence : sequences) ok(xc_sequence_release(session.context(), sequence), "release");
  }
  return 0;
}

}  // namespace

int run_bench(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: xcandle-harness bench <model.gguf> [--threads N] [--prompt N] [--gen N] [--kv f16|f32] "
                         "[--kernels scalar] [--repeat N] [--batch N [--fork]] [--together [--cached N]] [--bandwidth GB/s|measure] "
                         "[--argmax engine|harness] [--mask N]\n");
    return 2;
  }
  int threads = 0, prompt = 512, gen = 64, repeat = 1, batch = 1, cached = 0;
  bool fork = false;  // --fork: the batch's sequences forked from one prompt (bench_batched_decode)
  bool together = false;  // --together: the batch's prompts prefilled in one call (after --cached N tokens each), no decode
  double bandwidth = 0;  // GB/s read bandwidth measured in the same run (xcandle-harness membw); 0: unknown
  bool measure_bandwidth = false;  // --bandwidth measure: probe it in this process right before and after the decode
  bool scalar = false;
  // --argmax engine (default): greedy steps through xc_forward_argmax, as the engine's greedy decoding
  // runs them; --argmax harness: whole logits rows back, argmax here (what the bench did before).
  bool engine_argmax = true;
  int mask_tokens = 0;  // --mask N (with --batch): greedy rows restricted to N tokens (bench_batched_decode)
  xc_kv_type kv = XC_KV_F16;
  for (int i = 3; i < argc; i++) {
    const std::string arg = argv[i];
    const std::string value = i + 1 < argc ? argv[i + 1] : "";
    if (arg == "--threads") threads = std::stoi(value), i++;
    else if (arg == "--prompt") prompt = std::stoi(value), i++;
    else if (arg == "--gen") gen = std::stoi(value), i++;
    else if (arg == "--repeat") repeat = std::stoi(value), i++;
    else if (arg == "--batch") batch = std::stoi(value), i++;
    else if (arg == "--cached") cached = std::stoi(value), i++;
    else if (arg == "--together") together = true;
    else if (arg == "--fork") fork = true;
    else if (arg == "--bandwidth" && value == "measure") measure_bandwidth = true, i++;
    else if (arg == "--bandwidth") bandwidth = std::stod(value), i++;
    else if (arg == "--kv") kv = value == "f32" ? XC_KV_F32 : XC_KV_F16, i++;
    else if (arg == "--kernels") scalar = value == "scalar", i++;
    else if (arg == "--argmax" && (value == "engine" || value == "harness")) engine_argmax = value == "engine", i++;
    else if (arg == "--mask") mask_tokens = std::stoi(value), i++;
    else {
      std::fprintf(stderr, "unknown option %s\n", arg.c_str());
      return 2;
    }
  }
  if (prompt < 1 || gen < 0 || batch < 1 || batch > 64 || cached < 0 || (cached > 0 && !together) || !(bandwidth >= 0)) return 2;
  const auto load_start = std::chrono::steady_clock::now();
  Session session(argv[2], xc_context_options{cached + prompt + 2 * gen + 1, batch, threads, kv}, kernels(scalar ? "scalar" : nullptr));
  const double load_seconds = seconds_since(load_start);
  const xc_model_info& info = session.info();
  std::printf("model %s (%s, %s), %d layers, dim %d, vocab %d, %.1f MiB; load %.3f s\n", argv[2], info.architecture,
              info.weight_type, info.layer_count, info.embedding_length, info.vocab_size,
              static_cast<double>(info.weight_bytes) / (1 << 20), load_seconds);
  std::printf("build: %s%s, kv %s, threads %d\n", xc_build_info(), scalar ? " (forced scalar)" : "",
              kv == XC_KV_F16 ? "f16" : "f32", threads);

  std::printf("greedy argmax: %s\n", engine_argmax ? "in the engine (xc_forward_argmax)" : "in the harness over returned logits");
  if (together) return bench_prefill_together(session, batch, prompt, cached, repeat);
  if (batch > 1) return bench_batched_decode(session, batch, prompt, gen, repeat, engine_argmax, fork, mask_tokens);
  std::vector<int32_t> tokens;
  for (int i = 0; i < prompt; i++) tokens.push_back(1 + (i * 7919) % (info.vocab_size - 1));
  for (int r = 0; r < repeat; r++) {
    const int sequence = session.create();
    const double prefill_cpu = cpu_seconds();
    const auto prefill_start = std::chrono::steady_clock::now();
    std::vector<float> logits = session.forward(sequence, tokens);
    const double prefill_seconds = seconds_since(prefill_start);
    const double prefill_cpu_seconds = cpu_seconds() - prefill_cpu;
    // The machine's read bandwidth in the same seconds as the decode (median of the probe's passes, on
    // the decode's thread count), so a shared machine's swings move both sides of the share alike.
    const int probe_threads = threads > 0 ? threads : xc::physical_core_count();
    MemoryBandwidth before, after;
    if (measure_bandwidth && gen > 0) before = measure_read_bandwidth(probe_threads, membw_buffer_bytes(), kMembwPasses);
    const auto decode_start = std::chrono::steady_clock::now();
    const double decode_cpu_start = cpu_seconds();
    int32_t next = argmax(logits.data(), info.vocab_size);
    for (int i = 0; i < gen; i++) {
      if (engine_argmax) {
        int32_t token = next;
        const xc_batch_item item{sequence, &token, 1, 0};
        ok(xc_forward_argmax(session.context(), &item, 1, &next, nullptr), "forward_argmax");
      } else {
        logits = session.forward(sequence, {next});
        next = argmax(logits.data(), info.vocab_size);
      }
    }
    const double decode_seconds = seconds_since(decode_start);
    const double decode_cpu = cpu_seconds() - decode_cpu_start;
    if (measure_bandwidth && gen > 0) {
      after = measure_read_bandwidth(probe_threads, membw_buffer_bytes(), kMembwPasses);
      if (!before.every_byte_read || !after.every_byte_read) {
        std::fprintf(stderr, "bench: the bandwidth probe's sum of the bytes read is wrong\n");
        return 1;
      }
      bandwidth = (before.gb_per_second + after.gb_per_second) / 2;
      std::printf("read bandwidth before the decode %.1f GB/s (passes %.1f–%.1f), after %.1f GB/s (passes %.1f–%.1f), "
                  "median of %d passes over %zu MiB each, %d threads\n",
                  before.gb_per_second, before.slowest_gb_per_second, before.best_gb_per_second, after.gb_per_second,
                  after.slowest_gb_per_second, after.best_gb_per_second, kMembwPasses, before.bytes >> 20, probe_threads);
    }
    const double decode_rate = gen > 0 ? gen / decode_seconds : 0.0;
    std::printf("prefill %d tokens: %.3f s, %.1f tok/s | decode %d tokens: %.3f s, %.1f tok/s (%.2f ms/token) | RSS%s\n",
                prompt, prefill_seconds, prompt / prefill_seconds, gen, decode_seconds, decode_rate,
                gen > 0 ? 1000 * decode_seconds / gen : 0.0, resident_memory().c_str());
    // Single-stream decode reads every weight once per token: its ceiling is bandwidth ÷ weight bytes.
    const double weights_read = decode_rate * static_cast<double>(info.weight_bytes) / 1e9;
    if (gen > 0) {
      std::printf("decode weights read %.1f GB/s", weights_read);
      if (bandwidth > 0) std::printf(", bandwidth share %.1f%% of %.1f GB/s", 100 * weights_read / bandwidth, bandwidth);
      std::printf(" | process cpu %.2f ms/token\n", 1000 * decode_cpu / gen);
    }
    std::printf("  CPU time: prefill %.3f s, %.1f tok/CPU-second\n", prefill_cpu_seconds, prompt / prefill_cpu_seconds);
    ok(xc_sequence_release(session.context(), sequence), "release");
  }
  return 0;
}

}  // namespace xch
