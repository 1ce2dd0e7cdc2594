#include "common/thread-pool.h"

#include <chrono>

namespace xc {

namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// How long an idle worker polls before sleeping: long enough to bridge the gap between two ops
// of a forward pass, short enough not to burn a core between calls. Past kSpinAlone it yields between
// polls, so on a machine with more runnable threads than cores the caller it waits for gets the core.
constexpr auto kSpin = std::chrono::microseconds(300);
constexpr auto kSpinAlone = std::chrono::microseconds(50);

constexpr int kCountBits = 22;
constexpr uint64_t kCountMask = (1ull << kCountBits) - 1;
constexpr int kGenerationShift = 2 * kCountBits;

inline uint64_t generation_of(uint64_t state) { return state >> kGenerationShift; }

}  // namespace

ThreadPool::ThreadPool(int threads) {
  if (threads < 1) threads = 1;
  workers_.reserve(static_cast<size_t>(threads - 1));
  for (int t = 1; t < threads; t++) workers_.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
    state_.fetch_add(1ull << kGenerationShift);
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  if ((n + grain - 1) / grain > static_cast<int64_t>(kCountMask)) grain = (n + kCountMask - 1) / kCountMask;
  const int64_t chunks = (n + grain - 1) / grain;
  if (chunks == 1 || workers_.empty()) {
    fn(0, n);
    return;
  }
  job_ = &fn;
  items_ = n;
  grain_ = grain;
  done_.store(0, std::memory_order_relaxed);
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    generation = (generation_of(state_.load()) + 1) & ((1ull << (64 - kGenerationShift)) - 1);
    state_.store((generation << kGenerationShift) | (static_cast<uint64_t>(chunks) << kCountBits),
                 std::memory_order_release);
  }
  if (sleepers_.load(std::memory_order_acquire) > 0) wake_.notify_all();
  drain(generation);
  int spins = 0;
  while (done_.load(std::memory_order_acquire) < chunks) {
    if (++spins < 2048) {
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }
}

void ThreadPool::drain(uint64_t generation) {
  uint64_t state = state_.load(std::memory_order_acquire);
  for (;;) {
    if (generation_of(state) != generation) return;
    const auto chunk = static_cast<int64_t>(state & kCountMask);
    if (chunk >= static_cast<int64_t>((state >> kCountBits) & kCountMask)) return;
    if (!state_.compare_exchange_weak(state, state + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
    // A successful claim means this generation is still current, and the caller waits for this
    // chunk before it publishes another job, so job_, grain_ and items_ are this job's.
    const int64_t begin = chunk * grain_;
    const int64_t end = begin + grain_ < items_ ? begin + grain_ : items_;
    (*job_)(begin, end);
    done_.fetch_add(1, std::memory_order_acq_rel);
    state = state_.load(std::memory_order_acquire);
  }
}

void ThreadPool::work() {
  uint64_t seen = 0;
  for (;;) {
    const auto spin_start = std::chrono::steady_clock::now();
    bool share = false;
    int spins = 0;
    while (generation_of(state_.load(std::memory_order_acquire)) == seen) {
      if (share) std::this_thread::yield();
      else cpu_relax();
      if ((++spins & 63) != 0) continue;
      const auto idle = std::chrono::steady_clock::now() - spin_start;
      share = idle > kSpinAlone;
      if (idle > kSpin) {
        std::unique_lock<std::mutex> lock(mutex_);
        sleepers_.fetch_add(1);
        wake_.wait(lock, [&] { return generation_of(state_.load()) != seen; });
        sleepers_.fetch_sub(1);
        break;
      }
    }
    seen = generation_of(state_.load(std::memory_order_acquire));
    if (stop_.load()) return;
    drain(seen);
  }
}

}  // namespace xc
