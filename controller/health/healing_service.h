// Runs the healer in the controller: a tick every second (and at once when a host's health
// changes), each action on a thread of its own so that a replacement of minutes does not hold up
// a restart elsewhere. Stop() waits for actions under way: an action cut short is resumed by the
// next controller, but one that finishes is simpler to reason about.
#ifndef DM_CONTROLLER_HEALTH_HEALING_SERVICE_H_
#define DM_CONTROLLER_HEALTH_HEALING_SERVICE_H_

#include <atomic>
#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "controller/health/healer.h"

namespace dm {

class HealingService {
 public:
  HealingService(HealWorld* world, HealthBoard* board, const AuditTrail* audit, Clock* clock,
                 HealerOptions options);
  ~HealingService();

  void Start();
  void Stop();

 private:
  void Loop();
  void RunAction(std::function<void()> action);

  HealthBoard* const board_;
  std::unique_ptr<Healer> healer_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool changed_ ABSL_GUARDED_BY(mu_) = false;
  struct Action {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::list<Action> actions_ ABSL_GUARDED_BY(mu_);
  std::thread loop_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_HEALTH_HEALING_SERVICE_H_
