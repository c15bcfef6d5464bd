// Any sequence of messages from an enrolled agent, handled as the controller handles its stream
// (AgentSession): never a crash, a leak or a long wait, and whatever the agent sends, nothing of
// another agent's reaches it or is touched (its commands' answers, its blobs), and only blobs of
// the agent's own command are ever sent.
//
// The input is a script of messages: a byte for how long the (fake) clock moves before the
// message (in tens of milliseconds), two for the message's length, then the message, as the
// protobuf bytes of a dm.v1.AgentMessage (bytes that do not parse are skipped, as gRPC would end
// the stream on them). The stream ends when the session ends it or the script runs out.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "common/temp_dir.h"
#include "controller/agents/agent_session.h"
#include "controller/store/sqlite_store.h"
#include "controller/testing/enrolled_agents.h"
#include "controller/testing/fake_connection.h"

namespace dm {
namespace {

// What every input starts from: a store with two enrolled agents, kept for the process (each
// input gets its own directory, tracker and board over it).
struct World {
  World() {
    store = std::move(*SqliteStore::Open(dir.path() + "/state.db"));
    if (!EnrollAgentsForTest(store.get(), {{"a1", "web-1"}, {"a2", "web-2"}}).ok()) abort();
  }
  TempDir dir{"dm-fuzz-agent-messages"};
  std::unique_ptr<SqliteStore> store;
};

// The blobs the agent may have: its own converge's bundle, and its exec's input.
constexpr char kOwnConverge[] = "cmd-converge";
constexpr char kOwnExec[] = "cmd-exec";
constexpr char kOthersCommand[] = "cmd-of-web-2";

}  // namespace
}  // namespace dm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dm;
  static World world;
  FakeClock clock;
  AgentDirectory directory(world.store.get(), &clock, absl::Seconds(15));
  if (!directory.Load().ok()) abort();
  AuditTrail audit(world.store.get(), &clock);
  HealthBoard::Options board_options;
  HealthBoard health(world.store.get(), &directory, &audit, &clock, board_options);
  CommandTracker tracker(&clock);
  BundleCache bundles;
  auto bundle = std::make_shared<Bundle>();
  bundle->hash = "bundle-1";
  bundle->blobs["sha-cookbook"] = "a cookbook file";
  bundles.Add(bundle);
  auto own_sink = std::make_shared<CommandSink>();
  auto others_sink = std::make_shared<CommandSink>();
  tracker.Register(kOwnConverge, "a1", own_sink, "bundle-1");
  tracker.Register(kOwnExec, "a1", own_sink);
  tracker.AttachInput(kOwnExec, std::make_shared<const CommandTracker::InputParts>(
                                    CommandTracker::InputParts{{"sha-input", "input part"}}));
  tracker.Register(kOthersCommand, "a2", others_sink, "bundle-1");

  AgentSessionServices services;
  services.directory = &directory;
  services.tracker = &tracker;
  services.bundles = &bundles;
  services.health = &health;
  services.audit = &audit;
  services.clock = &clock;
  auto connection = std::make_shared<FakeConnection>();
  AgentSession session(services, "a1", "web-1", connection);

  while (size >= 3) {
    clock.Advance(absl::Milliseconds(10) * data[0]);
    size_t length = std::min<size_t>(size_t{data[1]} << 8 | data[2], size - 3);
    dm::v1::AgentMessage message;
    bool parsed = message.ParseFromArray(data + 3, static_cast<int>(length));
    data += 3 + length;
    size -= 3 + length;
    if (!parsed) break;
    AgentSession::Verdict verdict = session.OnMessage(message);
    if (verdict.end) break;
    clock.Advance(verdict.wait);
  }
  session.OnStreamEnd();

  // Nothing of web-2's command reached web-1's stream, nor was answered by it.
  if (others_sink->Pop(absl::ZeroDuration()).has_value()) __builtin_trap();
  for (const dm::v1::ControllerMessage& sent : connection->sent()) {
    if (!sent.has_blobs()) continue;
    const std::string& command = sent.blobs().command_id();
    for (const dm::v1::Blob& blob : sent.blobs().blobs()) {
      bool own = (command == kOwnConverge && blob.sha256() == "sha-cookbook") ||
                 (command == kOwnExec && blob.sha256() == "sha-input");
      if (!own) __builtin_trap();
    }
  }
  return 0;
}
