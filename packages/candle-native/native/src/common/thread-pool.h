#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace xc {

// A persistent fork-join pool. run(fn) calls fn(thread, threads) on every thread (the caller is
// thread 0) and returns when all are done. Idle workers spin briefly on the job counter, then
// sleep on a condition variable, so back-to-back matmuls cost no syscalls.
class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }
  void run(const std::function<void(int thread, int threads)>& fn);

  // Splits [0, n) evenly; thread t gets [begin, end), rounded to multiples of `granule`.
  static void split(int64_t n, int thread, int threads, int64_t granule, int64_t* begin, int64_t* end);

 private:
  void work(int thread);

  std::vector<std::thread> workers_;
  const std::function<void(int, int)>* job_ = nullptr;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace xc
