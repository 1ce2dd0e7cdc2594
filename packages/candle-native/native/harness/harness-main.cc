// xcandle-harness: the engine's tests and benchmark without Node.
//   xcandle-harness test <stories260K.gguf> [--verbose]
//   xcandle-harness bench <model.gguf> [--threads N] [--prompt 512] [--gen 64] [--kv f16|f32] [--kernels scalar]
//   xcandle-harness matmul-bench [--shape smollm2|qwen05|tinyllama] [--type Q8_0] [--threads 1] [--tokens 1,8,512]
//   xcandle-harness synth <out.gguf> [--arch llama] [--type Q8_0] [--shape smollm2-135m|wide|tiny|micro|nano] [--tokenizer]
//   xcandle-harness logits <model.gguf> <out.f32> [--threads N] [--kv f16] <token>...   (every position's logits, f32 KV by default)
//   xcandle-harness arch-table   (the architecture table as JSON, in @x/runtime's ARCHITECTURES shape)
//   xcandle-harness gpu-checks [--markdown FILE]   (the CUDA kernels against their CPU twins; device probe)
//   xcandle-harness gpu-bench [--markdown FILE]    (float GEMV bandwidth against the card's copy bandwidth)
//   xcandle-harness attention-digest [--cases 3000] [--kernels K]   (a hash of attention_tokens' output bytes over fixed random runs)
//   xcandle-harness membw [--threads N]      (read bandwidth of a buffer far larger than the caches, median of 15 passes)
//   xcandle-harness int8peak [--threads N]   (int8 multiply-adds per second, registers only)
//   xcandle-harness fmapeak [--threads N]    (f32 fused multiply-adds per second, registers only)
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>

#include "check.h"
#include "gguf-writer.h"
#include "machine-probes.h"
#include "session.h"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: xcandle-harness test <stories260K.gguf> [--verbose]\n"
               "       xcandle-harness bench <model.gguf> [--threads N] [--prompt N] [--gen N] [--kv f16|f32] "
               "[--kernels scalar] [--batch N [--fork]] [--together [--cached N]] [--bandwidth GB/s|measure] [--argmax engine|harness] [--mask N]\n"
               "       xcandle-harness matmul-bench [--shape smollm2|qwen05|tinyllama] [--type T] [--threads N] [--tokens 1,8,512] [--pages huge|4k]\n"
               "       xcandle-harness synth <out.gguf> [--arch A] [--type T] [--shape smollm2-135m|wide|tiny|micro|nano] [--tokenizer]\n"
               "       xcandle-harness logits <model.gguf> <out.f32> [--threads N] [--kv f16] <token>...\n"
               "       xcandle-harness arch-table\n"
               "       xcandle-harness gpu-checks [--markdown FILE]\n"
               "       xcandle-harness gpu-bench [--markdown FILE]\n"
               "       xcandle-harness attention-bench [--keys 512,2048] [--slices 1,3] [--tokens N [--group G]] [--rows R] [--warm 1] [--steps N] [--kernels K]\n"
               "       xcandle-harness attention-digest [--cases N] [--kernels K]\n"
               "       xcandle-harness membw [--threads N]\n"
               "       xcandle-harness int8peak [--threads N]\n"
               "       xcandle-harness fmapeak [--threads N]\n");
  return 2;
}

int run_tests(int argc, char** argv) {
  if (argc < 3) return usage();
  xch::Checker check;
  for (int i = 3; i < argc; i++) check.verbose |= std::strcmp(argv[i], "--verbose") == 0;
  const std::string temp_dir = "/tmp/xcandle-harness-" + std::to_string(::getpid());
  if (std::system(("mkdir -p " + temp_dir).c_str()) != 0) return 2;
  // removed on every exit path, exceptions included
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      if (std::system(("rm -rf " + dir).c_str()) != 0) std::printf("(could not remove %s)\n", dir.c_str());
    }
  } cleanup{temp_dir};
  std::printf("xcandle %s\n", xc_build_info());
  std::printf("kernels\n");
  xch::run_kernel_checks(check);
  xch::run_interleaved_checks(check);
  xch::run_rows16_checks(check, temp_dir);
  xch::run_rows16_q4k_checks(check, temp_dir);
  xch::run_rows16_q6k_checks(check, temp_dir);
  xch::run_kquant_tile_checks(check);
  xch::run_op_checks(check);
  xch::run_kv_page_pool_checks(check);
  xch::run_logits_rows_checks(check);
  xch::run_weight_copy_checks(check, temp_dir);
  std::printf("machine\n");
  xch::run_machine_checks(check);
  std::printf("model\n");
  xch::run_model_checks(check, argv[2], temp_dir);
  std::printf("robustness\n");
  xch::run_robustness_checks(check, argv[2], temp_dir);
  std::printf("device\n");
  xch::run_device_probe_checks(check, argv[2]);
  xch::run_gpu_checks(check);
  std::printf("%d passed, %d failed, %d skipped\n", check.passed, check.failed, check.skipped);
  return check.failed == 0 ? 0 : 1;
}

// The GPU checks alone (scripts/device-check.sh): exit 1 when one fails, 3 when none could run.
int run_gpu_check_command(int argc, char** argv) {
  std::string markdown;
  for (int i = 2; i < argc; i++) {
    if (std::strcmp(argv[i], "--markdown") == 0 && i + 1 < argc) markdown = argv[++i];
    else return usage();
  }
  xch::Checker check;
  std::printf("xcandle %s\n", xc_build_info());
  xch::run_device_probe_checks(check, "/nonexistent.gguf");
  xch::run_gpu_checks(check, markdown);
  std::printf("%d passed, %d failed, %d skipped\n", check.passed, check.failed, check.skipped);
  if (check.failed > 0) return 1;
  return check.skipped > 0 ? 3 : 0;
}

// Writes the logits of every prompt position (f32, row-major) for comparisons with other engines.
int run_logits(int argc, char** argv) {
  if (argc < 4) return usage();
  std::vector<int32_t> tokens;
  int first = 4, threads = 1;
  xc_kv_type kv = XC_KV_F32;
  // --threads N / --kv f16 (before the tokens): the pool's prefill splits and the f16 cache, for
  // byte-for-byte comparisons of binaries under the settings the engine runs with
  for (; first + 1 < argc && std::string(argv[first]).rfind("--", 0) == 0; first += 2) {
    if (std::string(argv[first]) == "--threads") threads = std::stoi(argv[first + 1]);
    else if (std::string(argv[first]) == "--kv") kv = std::string(argv[first + 1]) == "f16" ? XC_KV_F16 : XC_KV_F32;
    else return usage();
  }
  for (int i = first; i < argc; i++) tokens.push_back(std::stoi(argv[i]));
  if (tokens.empty()) return usage();
  xch::Session session(argv[2], xch::options(static_cast<int>(tokens.size()) + 1, kv, threads));
  const std::vector<float> logits = session.forward(session.create(), tokens, true);
  FILE* out = std::fopen(argv[3], "wb");
  if (out == nullptr || std::fwrite(logits.data(), sizeof(float), logits.size(), out) != logits.size()) return 1;
  std::fclose(out);
  std::printf("wrote %zu × %d logits\n", tokens.size(), session.vocab());
  return 0;
}

int run_synth(int argc, char** argv) {
  if (argc < 3) return usage();
  xch::SynthSpec spec;
  std::string shape = "tiny";
  for (int i = 3; i < argc; i++) {
    const std::string arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : "";
    if (arg == "--arch") spec.architecture = value, i++;
    else if (arg == "--shape") shape = value, i++;
    else if (arg == "--tokenizer") spec.with_tokenizer = true;
    else if (arg == "--type") {
      const std::string t = value;
      i++;
      if (t == "F32") spec.type = xc::GgmlType::F32;
      else if (t == "F16") spec.type = xc::GgmlType::F16;
      else if (t == "BF16") spec.type = xc::GgmlType::BF16;
      else if (t == "Q8_0") spec.type = xc::GgmlType::Q8_0;
      else if (t == "Q4_0") spec.type = xc::GgmlType::Q4_0;
      else if (t == "Q5_0") spec.type = xc::GgmlType::Q5_0;
      else if (t == "Q4_K") spec.type = xc::GgmlType::Q4_K;
      else if (t == "Q6_K") spec.type = xc::GgmlType::Q6_K;
      else return usage();
    } else {
      return usage();
    }
  }
  if (shape == "smollm2-135m") {
    spec.embedding = 576, spec.layers = 30, spec.heads = 9, spec.kv_heads = 3, spec.feed_forward = 1536;
    spec.vocab = 49152, spec.context = 8192, spec.tied_embeddings = true, spec.rope_base = 100000.0f;
  } else if (shape == "wide") {  // every row a multiple of 256, for the K-quants
    spec.embedding = 1024, spec.layers = 8, spec.heads = 16, spec.kv_heads = 4, spec.feed_forward = 2816;
    spec.vocab = 32000, spec.context = 4096;
  } else if (shape == "micro") {  // tens of KB: fuzzing seeds with whole quant blocks
    spec.embedding = 32, spec.layers = 1, spec.heads = 2, spec.kv_heads = 1, spec.feed_forward = 64;
    spec.vocab = 64, spec.context = 64;
  } else if (shape == "nano") {  // a few KB: fuzzing seeds (F32/F16/BF16 only)
    spec.embedding = 8, spec.layers = 1, spec.heads = 2, spec.kv_heads = 1, spec.feed_forward = 16;
    spec.vocab = 16, spec.context = 16;
  } else if (shape != "tiny") {
    return usage();
  }
  xch::write_synth_model(spec, argv[2]);
  std::printf("wrote %s\n", argv[2]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string mode = argv[1];
  try {
    if (mode == "test") return run_tests(argc, argv);
    if (mode == "bench") return xch::run_bench(argc, argv);
    if (mode == "matmul-bench") return xch::run_matmul_bench(argc, argv);
    if (mode == "attention-bench") return xch::run_attention_bench(argc, argv);
    if (mode == "attention-digest") return xch::run_attention_digest(argc, argv);
    if (mode == "synth") return run_synth(argc, argv);
    if (mode == "logits") return run_logits(argc, argv);
    if (mode == "arch-table") return xch::run_arch_table();
    if (mode == "gpu-checks") return run_gpu_check_command(argc, argv);
    if (mode == "gpu-bench") {
      const int status = xch::run_gpu_bench(argc, argv);
      return status == 2 ? usage() : status;
    }
    if (mode == "membw") return xch::run_membw(argc, argv);
    if (mode == "int8peak") return xch::run_int8peak(argc, argv);
    if (mode == "fmapeak") return xch::run_fmapeak(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    std::printf("0 passed, 1 failed\n");
    return 1;
  }
  return usage();
}
