// An exec command's large input (ExecCommand.stdin_parts: a database dump to restore, ...),
// fetched from the controller part by part like a converge's blobs, each part checked against its
// SHA-256, into an unnamed file on the agent's disk (O_TMPFILE: nothing is left behind, and the
// host's memory is not what bounds it). A window of parts is asked for at a time, so the agent
// holds little of it in memory.
#ifndef DM_AGENT_EXEC_EXEC_INPUT_H_
#define DM_AGENT_EXEC_EXEC_INPUT_H_

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dm/v1/agent.pb.h"

namespace dm {

// How blobs are asked for and arrive for one command (the dispatcher's stream plumbing).
struct BlobSource {
  std::function<void(std::vector<std::string> sha256s)> request;
  // The next message of blobs, or nothing after `wait`.
  std::function<std::optional<dm::v1::Blobs>(absl::Duration wait)> next;
};

// The input assembled in order in an unnamed file under `dir`; the descriptor is at offset 0 and
// the caller closes it. Fails when a part stops arriving, arrives damaged, or on `cancelled`.
absl::StatusOr<int> FetchInputParts(const google::protobuf::RepeatedPtrField<std::string>& parts,
                                    const std::string& dir, BlobSource& source,
                                    const std::atomic<bool>& cancelled);

}  // namespace dm

#endif  // DM_AGENT_EXEC_EXEC_INPUT_H_
