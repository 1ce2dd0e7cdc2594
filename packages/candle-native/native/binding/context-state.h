#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <set>

#include "AddonModel.h"
#include "xcandle.h"

namespace xcandle_binding {

class ForwardWorker;

// What a forward worker shares with its context. `mutex` serialises every use of `handle`, so a
// sequence call on the JS thread waits for a forward running on a worker thread.
struct ContextState {
  std::mutex mutex;
  xc_context* handle = nullptr;
  std::shared_ptr<ModelHandle> model;
  int32_t vocabSize = 0;
  // How long the last forward's engine call took, wherever it ran: the time a worker's forward would have
  // held the JS thread, without the two hand-offs its promise adds. Atomic, so reading it never waits
  // for a forward running meanwhile.
  std::atomic<double> lastForwardMs{0};
  // Forward workers not yet destroyed (JS thread only). A worker removes itself, even when the
  // environment is shutting down and its completion callback cannot run JS.
  std::set<ForwardWorker*> inFlight;
};

}  // namespace xcandle_binding
