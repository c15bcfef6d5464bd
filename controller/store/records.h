// The controller's durable fleet state, as plain values. The Store persists them; nothing here
// does I/O.
#ifndef DM_CONTROLLER_STORE_RECORDS_H_
#define DM_CONTROLLER_STORE_RECORDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/time/time.h"
#include "dm/v1/facts.pb.h"
#include "dm/v1/health.pb.h"

namespace dm {

// A join token. The secret itself is never stored, only its SHA-256.
struct TokenRecord {
  std::string id;
  std::string secret_hash;
  std::string role;
  std::string description;
  uint32_t uses_allowed = 1;
  uint32_t uses = 0;  // successful enrollments so far
  absl::Time created;
  absl::Time expires;
  absl::Time revoked = absl::InfinitePast();  // InfinitePast: not revoked

  bool is_revoked() const { return revoked != absl::InfinitePast(); }
  uint32_t uses_left() const { return uses >= uses_allowed ? 0 : uses_allowed - uses; }
};

// An enrolled agent: its identity (fixed at enrollment) and what it last reported.
struct AgentRecord {
  std::string id;    // also the certificate's subject: CN "agent/<id>"
  std::string name;  // unique in the fleet
  std::string role;
  std::string cert_serial;
  absl::Time cert_expires;
  absl::Time enrolled;
  std::string token_id;  // the token it enrolled with

  absl::Time last_seen = absl::InfinitePast();  // InfinitePast: never connected
  std::string address;                          // peer address of its last stream
  std::string version;
  dm::v1::Facts facts;
  dm::v1::HealthReport health;  // its checks as last reported (none before its first converge)
};

// What an agent reported since the last flush; written in batches (see AgentStatusWriter).
struct AgentStatus {
  std::string id;
  absl::Time last_seen;
  std::string address;
  std::string version;
  bool has_facts = false;
  dm::v1::Facts facts;
};

// An entry of the audit trail: enrollments, refusals, removals, token changes, fleet
// operations, health checks and what healing did about them.
struct EventRecord {
  uint64_t seq = 0;  // assigned by the Store, increasing
  absl::Time time;
  std::string kind;     // "agent.enrolled", "health.check_failed", "heal.restart", ...
  std::string subject;  // agent or host name, token id, fleet; never a secret
  std::string message;  // what happened and why
  std::string fleet;    // the fleet it concerns ("" for none)
  std::string outcome;  // "started", "succeeded", "failed", "skipped"; "" for plain facts
};

// Which events ListEvents returns: the newest `limit` (of `fleet` when not empty), or with
// `after_seq` the oldest ones after it (following the trail).
struct EventQuery {
  EventQuery() = default;
  // The newest `limit` events of every fleet.
  explicit EventQuery(size_t limit) : limit(limit) {}

  size_t limit = 50;
  std::string fleet;
  uint64_t after_seq = 0;
};

// How a converge run stands (dm::v1::RunStatus on the wire).
enum class RunStatus {
  kRunning,
  kConverged,    // every resource is as the role says (or, dry, would be)
  kFailed,       // a resource failed
  kInvalid,      // the cookbooks or attributes did not validate: nothing ran
  kError,        // the run could not finish (the agent went away, ...)
  kInterrupted,  // the controller restarted under it
};

// One converge of one agent (dmctl converge), with its report once it has finished.
struct RunRecord {
  std::string id;
  std::string agent_id;
  std::string agent_name;
  std::string role;
  RunStatus status = RunStatus::kRunning;
  bool dry_run = false;
  absl::Time started;
  absl::Time finished = absl::InfinitePast();  // InfinitePast: still running
  std::string bundle_hash;
  uint32_t resources = 0, changed = 0, failed = 0;
  std::string message;      // why it is invalid or an error
  std::string report_json;  // the agent's run report
};

// How far bootstrap got on a server (dm::v1::BootstrapState on the wire).
enum class BootstrapState { kNever, kRunning, kDone, kFailed };

// The words for both, as the Store keeps them and logs and messages say them: "converged",
// "done". ...FromWord returns nullopt for a word it does not know.
const char* RunStatusWord(RunStatus status);
std::optional<RunStatus> RunStatusFromWord(const std::string& word);
const char* BootstrapStateWord(BootstrapState state);  // "" for kNever
std::optional<BootstrapState> BootstrapStateFromWord(const std::string& word);

// A server the controller booted through a provider, and how far bootstrap got.
struct ServerRecord {
  std::string name;
  std::string provider;  // "local", ...
  std::string role;
  BootstrapState bootstrap = BootstrapState::kNever;
  std::string bootstrap_message;  // the failed step and why
  absl::Time created;
  std::string fleet;  // the fleet it belongs to ("" for a server booted by hand)
  // The dm-agent package version bootstrap installed: a controller with a newer agent
  // bootstraps the server again, which upgrades it ("" for servers from before this was kept).
  std::string agent_package;
  // The host key the controller gave the server through its user data ("ssh-ed25519 AAAA..."),
  // for providers that cannot tell it: bootstrap trusts this key and no other.
  std::string ssh_host_key;
};

// A fleet as last applied by dmctl up (FleetFile is its parsed form).
struct FleetRecord {
  std::string name;
  std::string file_path;  // where dmctl read it, for messages
  std::string file_text;  // the fleet file's text
  // The values of the file's generated secrets, a JSON object by attribute. Generated once and
  // kept: a changed database password would lock the application out.
  std::string secrets_json = "{}";
  std::string commit;           // the app commit deployed; "" before the first deploy
  std::string previous_commit;  // what dmctl rollback returns to
  absl::Time created, updated;
  bool maintenance = false;  // the load balancers serve the maintenance page
  // Self-healing (docs/health.md): on unless dmctl heal FLEET off; app nodes the healer took out
  // of the load balancers; places whose server was replaced (slot -> the server now there).
  bool healing = true;
  std::set<std::string> out_of_service;
  std::map<std::string, std::string> replacements;
  // Health-driven deploys (docs/health.md): the last app commit known healthy (an up's site
  // answered with it, or every app node passed its checks with it), and when the last deploy
  // finished (its watch window starts then).
  std::string healthy_commit;
  absl::Time deployed_at = absl::InfinitePast();
  // The roles and cookbooks dmctl sent with the file (a DeployTreeStore hash); "" for the
  // controller's own --deploy-dir.
  std::string deploy_tree;
  // dmctl pushed the app repository (a local path on the operator's side) to the controller:
  // the fleet's app comes from that copy (AppMirror::PushedRepository).
  bool app_pushed = false;
};

}  // namespace dm

#endif  // DM_CONTROLLER_STORE_RECORDS_H_
