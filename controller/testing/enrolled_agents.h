// Agents enrolled straight into a Store, for tests and fuzz targets that need some: each with id
// `id`, name `name` and certificate serial "serial-" + id, through one token "tok" made here.
#ifndef DM_CONTROLLER_TESTING_ENROLLED_AGENTS_H_
#define DM_CONTROLLER_TESTING_ENROLLED_AGENTS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/store/store.h"

namespace dm {

// The records, in the order given; an error if the Store refuses one.
inline absl::StatusOr<std::vector<AgentRecord>> EnrollAgentsForTest(
    Store* store, const std::vector<std::pair<std::string, std::string>>& ids_and_names) {
  TokenRecord token;
  token.id = "tok";
  token.uses_allowed = static_cast<uint32_t>(ids_and_names.size());
  token.created = absl::UnixEpoch();
  token.expires = absl::InfiniteFuture();
  if (absl::Status s = store->InsertToken(token); !s.ok()) return s;
  std::vector<AgentRecord> agents;
  for (const auto& [id, name] : ids_and_names) {
    AgentRecord agent;
    agent.id = id;
    agent.name = name;
    agent.cert_serial = "serial-" + id;
    agent.token_id = token.id;
    absl::StatusOr<TokenRecord> current = store->GetToken(token.id);
    if (!current.ok()) return current.status();
    if (absl::Status s = store->CommitEnrollment(*current, agent); !s.ok()) return s;
    agents.push_back(std::move(agent));
  }
  return agents;
}

}  // namespace dm

#endif  // DM_CONTROLLER_TESTING_ENROLLED_AGENTS_H_
