#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace xc {

// Work for a loop's tail: once every chunk of the loop is claimed, a thread that finds none left
// claims these items in order, run(0), run(1), …, for as long as some chunk is still running, instead
// of only waiting for it. Items left when the last chunk ends are not run; each should take a
// microsecond or less, as the loop returns only when the ones begun are done.
struct IdleWork {
  int64_t items = 0;
  const std::function<void(int64_t)>* run = nullptr;
};

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
  // `idle` runs only when the loop is split among threads.
  void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn, const IdleWork& idle = {});

 private:
  void work();
  // Claims and runs chunks of `generation` until none are left, then its idle items while a chunk runs.
  void drain(uint64_t generation);
  // Marks the idle items nobody has claimed as taken and waits for the ones claimed to end.
  void close_idle_work(int64_t chunks);

  std::vector<std::thread> workers_;
  // One word, so a claim checks generation, chunk count and next chunk at once:
  // bits 44-63 job generation, 22-43 chunk count (the job's chunks, then its idle items), 0-21 next chunk to claim.
  // The claim word, the completion count the caller polls and the job (read-only while it runs) sit on
  // their own cache lines, so polling one does not pull the others away from the threads writing them.
  alignas(64) std::atomic<uint64_t> state_{0};
  alignas(64) std::atomic<int64_t> done_{0};
  std::atomic<int64_t> idle_done_{0};
  alignas(64) const std::function<void(int64_t, int64_t)>* job_ = nullptr;
  int64_t items_ = 0;
  int64_t grain_ = 1;
  // Read before a claim (to tell a chunk from an idle item) by threads that may see the next job's value,
  // hence atomic; a claim of the wrong job fails anyway.
  std::atomic<int64_t> chunks_{0};
  const std::function<void(int64_t)>* idle_run_ = nullptr;
  alignas(64) std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace xc
