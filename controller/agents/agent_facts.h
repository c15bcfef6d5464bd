// What an agent says of its host (dm.v1.Facts, in its enrollment request and every Hello), made
// safe to keep and show. Facts come from the host, which the controller does not trust: a
// compromised agent could send terminal escapes for `dmctl agents show`, newlines for the log,
// or megabytes of text. Each field is bounded and printable before it is stored anywhere.
#ifndef DM_CONTROLLER_AGENTS_AGENT_FACTS_H_
#define DM_CONTROLLER_AGENTS_AGENT_FACTS_H_

#include <string>
#include <vector>

#include "dm/v1/facts.pb.h"

namespace dm {

// The longest text field kept, and the most addresses kept.
inline constexpr size_t kMaxFactBytes = 256;
inline constexpr int kMaxFactAddresses = 64;

// Cleans `facts` in place: control characters and bytes outside printable ASCII become '?',
// text longer than kMaxFactBytes is cut, a hostname that is not one (letters, digits, '.', '-',
// '_') is replaced by "invalid", addresses that are not IPv4 or IPv6 addresses are dropped.
// Returns what was changed, one line a field ("hostname: not a host name"), empty when nothing.
std::vector<std::string> CleanFacts(dm::v1::Facts* facts);

}  // namespace dm

#endif  // DM_CONTROLLER_AGENTS_AGENT_FACTS_H_
