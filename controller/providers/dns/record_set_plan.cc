#include "controller/providers/dns/record_set_plan.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace dm {

RecordSetPlan PlanRecordSet(const std::vector<HostedRecord>& existing, const DnsRecord& wanted) {
  RecordSetPlan plan;
  std::set<std::string> kept;
  for (const HostedRecord& record : existing) {
    const bool is_wanted =
        std::find(wanted.values.begin(), wanted.values.end(), record.value) != wanted.values.end();
    if (!is_wanted || !kept.insert(record.value).second) {
      plan.remove.push_back(record.id);
    } else if (record.ttl != wanted.ttl) {
      plan.retime.push_back(record.id);
    }
  }
  for (const std::string& value : wanted.values) {
    if (!kept.count(value)) plan.create.push_back(value);
  }
  return plan;
}

std::vector<DnsRecord> GroupRecordSets(const std::vector<HostedRecord>& records) {
  std::map<std::pair<std::string, std::string>, DnsRecord> sets;
  for (const HostedRecord& record : records) {
    DnsRecord& set = sets[{record.name, record.type}];
    if (set.values.empty()) {
      set.name = record.name;
      set.type = record.type;
      set.ttl = record.ttl;
    }
    set.ttl = std::min(set.ttl, record.ttl);
    set.values.push_back(record.value);
  }
  std::vector<DnsRecord> grouped;
  for (auto& [key, set] : sets) {
    std::sort(set.values.begin(), set.values.end());
    set.values.erase(std::unique(set.values.begin(), set.values.end()), set.values.end());
    grouped.push_back(std::move(set));
  }
  return grouped;
}

std::string UnquotedTxt(const std::string& content) {
  if (content.size() < 2 || content.front() != '"' || content.back() != '"') return content;
  std::string value;
  for (size_t i = 1; i + 1 < content.size(); ++i) {
    if (content[i] == '\\' && i + 2 < content.size()) ++i;
    value += content[i];
  }
  return value;
}

}  // namespace dm
