// Facts about this host that the agent reports when it connects.
#ifndef DM_AGENT_FACTS_FACTS_H_
#define DM_AGENT_FACTS_FACTS_H_

#include <string>

#include "dm/v1/facts.pb.h"

namespace dm {

// Reads the live host: hostname, /etc/os-release, uname, interfaces, CPUs and memory. Anything
// that cannot be read is left empty rather than failing: facts are informative.
dm::v1::Facts CollectFacts();

// Parsers over file contents, separate so that tests feed them text.
void ParseOsRelease(const std::string& text, dm::v1::Facts* facts);
uint64_t ParseMemTotalBytes(const std::string& meminfo);

}  // namespace dm

#endif  // DM_AGENT_FACTS_FACTS_H_
