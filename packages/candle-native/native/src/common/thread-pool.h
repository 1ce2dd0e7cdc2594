#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace xc {

// A persistent pool for fork-join loops. parallel_for hands out chunks through one atomic
// counter, so a thread the OS has descheduled (a busy machine) costs at most the chunk it holds:
// the others, the caller included, take the rest. Idle workers spin briefly on the counter, then
// sleep on a condition variable.
class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }
  // Calls fn(begin, end) for consecutive chunks of `grain` items covering [0, n); returns when all are done.
  void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

 private:
  void work();
  // Claims and runs chunks of `generation` until none are left.
  void drain(uint64_t generation);

  std::vector<std::thread> workers_;
  // One word, so a claim checks generation, chunk count and next chunk at once:
  // bits 44-63 job generation, 22-43 chunk count, 0-21 next chunk to claim.
  // The claim word, the completion count the caller polls and the job (read-only while it runs) sit on
  // their own cache lines, so polling one does not pull the others away from the threads writing them.
  alignas(64) std::atomic<uint64_t> state_{0};
  alignas(64) std::atomic<int64_t> done_{0};
  alignas(64) const std::function<void(int64_t, int64_t)>* job_ = nullptr;
  int64_t items_ = 0;
  int64_t grain_ = 1;
  alignas(64) std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace xc
