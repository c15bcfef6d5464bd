// dmctl dns set PROVIDER ZONE NAME TYPE VALUE... [--ttl N] [--json]
// dmctl dns list PROVIDER ZONE [--json]
// dmctl dns delete PROVIDER ZONE NAME TYPE
//
// DNS records at a provider the controller knows by name: `local` (its embedded PowerDNS) or one
// of its --providers file (docs/providers.md). `set` ensures exactly that record set: the values
// given replace every other of that name and type. NAME is relative to the zone ("www", "@" for
// the zone itself) or fully qualified. Exit 0 done, 1 refused (the provider's reason in words),
// 2 usage. JSON records: {name, type, ttl, values}.
#include <nlohmann/json.hpp>

#include "absl/strings/str_join.h"
#include "dmctl/command.h"
#include "dmctl/output/table.h"

namespace dm::dmctl {
namespace {

nlohmann::json RecordJson(const dm::v1::DnsRecordSet& r) {
  return {{"name", r.name()},
          {"type", r.type()},
          {"ttl", r.ttl()},
          {"values", std::vector<std::string>(r.values().begin(), r.values().end())}};
}

class DnsSet : public Command {
 public:
  std::vector<std::string> Path() const override { return {"dns", "set"}; }
  std::string Synopsis() const override {
    return "Ensure exactly one record set (A, AAAA, CNAME or TXT) at a DNS provider";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("provider", &provider_, "The DNS provider's name (local, or from --providers)")
        .Required();
    flags.Add("zone", &zone_, "The zone (shop.example)").Required();
    flags.Add("name", &name_, "The name in the zone: www, @ for the zone itself, or a full name")
        .Required();
    flags.Add("type", &type_, "A, AAAA, CNAME or TXT").Required();
    flags.Add("values", &values_, "The record set's values (they replace all others)").Required();
    flags.Add("--ttl", &ttl_, "Seconds resolvers may keep it (default 300)");
    flags.Flag("--json", &json_, "Print the record set as set: {name, type, ttl, values}");
  }
  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::SetDnsRecordRequest request;
    request.set_provider(provider_);
    request.set_zone(zone_);
    request.mutable_record()->set_name(name_);
    request.mutable_record()->set_type(type_);
    request.mutable_record()->set_ttl(ttl_);
    for (const std::string& v : values_) request.mutable_record()->add_values(v);
    dm::v1::SetDnsRecordResponse response;
    if (absl::Status s = MoveInto(admin->SetDnsRecord(request), &response); !s.ok())
      return context.Fail(s);
    const dm::v1::DnsRecordSet& r = response.record();
    if (json_) {
      context.out() << RecordJson(r).dump(2) << "\n";
    } else {
      context.out() << r.name() << " " << r.type() << " " << absl::StrJoin(r.values(), " ")
                    << " (ttl " << r.ttl() << ") at " << provider_ << "\n";
    }
    return kOk;
  }

 private:
  std::string provider_, zone_, name_, type_;
  std::vector<std::string> values_;
  uint32_t ttl_ = 0;
  bool json_ = false;
};

class DnsList : public Command {
 public:
  std::vector<std::string> Path() const override { return {"dns", "list"}; }
  std::string Synopsis() const override { return "List a zone's records at a DNS provider"; }
  void AddFlags(Flags& flags) override {
    flags.Add("provider", &provider_, "The DNS provider's name (local, or from --providers)")
        .Required();
    flags.Add("zone", &zone_, "The zone (shop.example)").Required();
    flags.Flag("--json", &json_, "Print a JSON array of {name, type, ttl, values}");
  }
  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::ListDnsRecordsRequest request;
    request.set_provider(provider_);
    request.set_zone(zone_);
    dm::v1::ListDnsRecordsResponse response;
    if (absl::Status s = MoveInto(admin->ListDnsRecords(request), &response); !s.ok())
      return context.Fail(s);
    if (json_) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& r : response.records()) list.push_back(RecordJson(r));
      context.out() << list.dump(2) << "\n";
      return kOk;
    }
    Table table({"NAME", "TYPE", "TTL", "VALUES"});
    for (const auto& r : response.records())
      table.AddRow({r.name(), r.type(), std::to_string(r.ttl()), absl::StrJoin(r.values(), " ")});
    table.Print(context.out());
    return kOk;
  }

 private:
  std::string provider_, zone_;
  bool json_ = false;
};

class DnsDelete : public Command {
 public:
  std::vector<std::string> Path() const override { return {"dns", "delete"}; }
  std::string Synopsis() const override {
    return "Delete a record set (every value of a name and type) at a DNS provider";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("provider", &provider_, "The DNS provider's name (local, or from --providers)")
        .Required();
    flags.Add("zone", &zone_, "The zone (shop.example)").Required();
    flags.Add("name", &name_, "The name in the zone: www, @, or a full name").Required();
    flags.Add("type", &type_, "A, AAAA, CNAME or TXT").Required();
  }
  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::DeleteDnsRecordRequest request;
    request.set_provider(provider_);
    request.set_zone(zone_);
    request.set_name(name_);
    request.set_type(type_);
    dm::v1::DeleteDnsRecordResponse response;
    if (absl::Status s = MoveInto(admin->DeleteDnsRecord(request), &response); !s.ok())
      return context.Fail(s);
    context.out() << "deleted " << name_ << " " << type_ << " in " << zone_ << " at " << provider_
                  << "\n";
    return kOk;
  }

 private:
  std::string provider_, zone_, name_, type_;
};

}  // namespace

std::unique_ptr<Command> NewDnsSet() { return std::make_unique<DnsSet>(); }
std::unique_ptr<Command> NewDnsList() { return std::make_unique<DnsList>(); }
std::unique_ptr<Command> NewDnsDelete() { return std::make_unique<DnsDelete>(); }

}  // namespace dm::dmctl
