// Hosted DNS APIs (DNSimple, Cloudflare) keep one record per value, each with its own id, where
// the DnsProvider contract speaks of record sets. These helpers turn one into the other: the
// per-value records of a zone grouped into sets, and the calls that make a name and type hold
// exactly a wanted set, which adds before it removes so the name never answers nothing.
#ifndef DM_CONTROLLER_PROVIDERS_DNS_RECORD_SET_PLAN_H_
#define DM_CONTROLLER_PROVIDERS_DNS_RECORD_SET_PLAN_H_

#include <string>
#include <vector>

#include "controller/providers/dns/dns_provider.h"

namespace dm {

// One value as a hosted API lists it.
struct HostedRecord {
  std::string id;
  std::string name;  // fully qualified, no trailing dot
  std::string type;
  int ttl = 0;
  std::string value;
};

struct RecordSetPlan {
  std::vector<std::string> create;  // values to add, with the wanted TTL
  std::vector<std::string> retime;  // ids of kept values whose TTL differs
  std::vector<std::string> remove;  // ids of values not wanted (or held twice)
  bool empty() const { return create.empty() && retime.empty() && remove.empty(); }
};

// What turns `existing` (the records of `wanted`'s name and type) into exactly `wanted`.
RecordSetPlan PlanRecordSet(const std::vector<HostedRecord>& existing, const DnsRecord& wanted);

// The records grouped by name and type, values sorted, sets sorted by name then type; a set's
// TTL is its smallest.
std::vector<DnsRecord> GroupRecordSets(const std::vector<HostedRecord>& records);

// A TXT value without the quotes some APIs put around what they store.
std::string UnquotedTxt(const std::string& content);

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_DNS_RECORD_SET_PLAN_H_
