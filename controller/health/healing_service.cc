#include "controller/health/healing_service.h"

#include "common/log.h"

namespace dm {

HealingService::HealingService(HealWorld* world, HealthBoard* board, const AuditTrail* audit,
                               Clock* clock, HealerOptions options)
    : board_(board) {
  healer_ = std::make_unique<Healer>(world, audit, clock, options,
                                     [this](std::function<void()> a) { RunAction(std::move(a)); });
}

HealingService::~HealingService() { Stop(); }

void HealingService::Start() {
  board_->SetListener([this](const HostHealthChange& change) {
    healer_->OnHostChange(change);
    std::lock_guard<std::mutex> lock(mu_);
    changed_ = true;
    wake_.notify_all();
  });
  loop_ = std::thread([this] { Loop(); });
}

void HealingService::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  board_->SetListener(nullptr);
  wake_.notify_all();
  if (loop_.joinable()) loop_.join();
  std::list<Action> actions;
  {
    std::lock_guard<std::mutex> lock(mu_);
    actions.swap(actions_);
  }
  size_t running = 0;
  for (const Action& a : actions) running += a.done->load() ? 0 : 1;
  if (running > 0) LogInfo("waiting for {} healing actions to finish", running);
  for (Action& a : actions) a.thread.join();
}

void HealingService::RunAction(std::function<void()> action) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return;
  // Finished threads are joined here, as new ones start: the list stays as long as what runs.
  for (auto it = actions_.begin(); it != actions_.end();) {
    if (!it->done->load()) {
      ++it;
      continue;
    }
    it->thread.join();
    it = actions_.erase(it);
  }
  auto done = std::make_shared<std::atomic<bool>>(false);
  actions_.push_back({std::thread([this, done, action = std::move(action)] {
                        action();
                        {
                          std::lock_guard<std::mutex> lock(mu_);
                          changed_ = true;  // an action ended: decide again at once
                        }
                        wake_.notify_all();
                        done->store(true);
                      }),
                      done});
}

void HealingService::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    healer_->Tick();
    lock.lock();
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || changed_; });
    changed_ = false;
  }
}

}  // namespace dm
