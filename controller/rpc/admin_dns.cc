// Admin RPCs for DNS at a provider the controller knows by name (dmctl dns set / list / delete).
// Records are checked (dns_records.h) before the provider sees them; every change is audited.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/grpc_status.h"
#include "controller/providers/dns/dns_records.h"
#include "controller/rpc/admin_handler.h"

namespace dm {
namespace {

dm::v1::DnsRecordSet ToProto(const DnsRecord& record) {
  dm::v1::DnsRecordSet set;
  set.set_name(record.name);
  set.set_type(record.type);
  set.set_ttl(static_cast<uint32_t>(record.ttl));
  for (const std::string& v : record.values) set.add_values(v);
  return set;
}

// A provider's failure, as the operator should read it: its name and words. The provider being
// unreachable is a refusal of this request (exit 1), not the controller being unreachable.
grpc::Status ProviderError(const std::string& provider, const absl::Status& status) {
  absl::StatusCode code = status.code() == absl::StatusCode::kUnavailable ||
                                  status.code() == absl::StatusCode::kDeadlineExceeded
                              ? absl::StatusCode::kFailedPrecondition
                              : status.code();
  return ToGrpcStatus(
      absl::Status(code, absl::StrCat("DNS provider ", provider, ": ", status.message())));
}

}  // namespace

absl::StatusOr<DnsProvider*> AdminHandler::DnsProviderNamed(const std::string& name) const {
  DnsProvider* provider = dns_ == nullptr ? nullptr : dns_->Find(name);
  if (provider == nullptr) {
    std::vector<std::string> names = dns_ == nullptr ? std::vector<std::string>{} : dns_->Names();
    return absl::NotFoundError(absl::StrCat("no DNS provider '", name, "' (this controller has ",
                                            names.empty() ? "none" : absl::StrJoin(names, ", "),
                                            "; see --providers)"));
  }
  return provider;
}

grpc::Status AdminHandler::SetDnsRecord(grpc::ServerContext* context,
                                        const dm::v1::SetDnsRecordRequest* request,
                                        dm::v1::SetDnsRecordResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  absl::StatusOr<DnsProvider*> provider = DnsProviderNamed(request->provider());
  if (!provider.ok()) return ToGrpcStatus(provider.status());
  absl::StatusOr<std::string> zone = NormalizeZone(request->zone());
  if (!zone.ok()) return ToGrpcStatus(zone.status());
  const dm::v1::DnsRecordSet& asked = request->record();
  absl::StatusOr<DnsRecord> record =
      CheckedRecord(*zone, asked.name(), asked.type(),
                    std::vector<std::string>(asked.values().begin(), asked.values().end()),
                    static_cast<int>(asked.ttl()));
  if (!record.ok()) return ToGrpcStatus(record.status());
  if (absl::Status s = (*provider)->EnsureZone(*zone); !s.ok())
    return ProviderError(request->provider(), s);
  if (absl::Status s = (*provider)->SetRecord(*zone, *record); !s.ok())
    return ProviderError(request->provider(), s);
  Audit("dns.set", record->name,
        absl::StrCat(request->provider(), ": ", record->type, " ",
                     absl::StrJoin(record->values, " "), " (ttl ", record->ttl, ")"));
  *response->mutable_record() = ToProto(*record);
  return grpc::Status::OK;
}

grpc::Status AdminHandler::ListDnsRecords(grpc::ServerContext* context,
                                          const dm::v1::ListDnsRecordsRequest* request,
                                          dm::v1::ListDnsRecordsResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  absl::StatusOr<DnsProvider*> provider = DnsProviderNamed(request->provider());
  if (!provider.ok()) return ToGrpcStatus(provider.status());
  absl::StatusOr<std::string> zone = NormalizeZone(request->zone());
  if (!zone.ok()) return ToGrpcStatus(zone.status());
  absl::StatusOr<std::vector<DnsRecord>> records = (*provider)->ListRecords(*zone);
  if (!records.ok()) return ProviderError(request->provider(), records.status());
  for (const DnsRecord& record : *records) *response->add_records() = ToProto(record);
  return grpc::Status::OK;
}

grpc::Status AdminHandler::DeleteDnsRecord(grpc::ServerContext* context,
                                           const dm::v1::DeleteDnsRecordRequest* request,
                                           dm::v1::DeleteDnsRecordResponse* /*response*/) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  absl::StatusOr<DnsProvider*> provider = DnsProviderNamed(request->provider());
  if (!provider.ok()) return ToGrpcStatus(provider.status());
  absl::StatusOr<std::string> zone = NormalizeZone(request->zone());
  if (!zone.ok()) return ToGrpcStatus(zone.status());
  absl::StatusOr<std::string> name = NameInZone(request->name(), *zone);
  if (!name.ok()) return ToGrpcStatus(name.status());
  absl::StatusOr<std::string> type = CheckedType(request->type());
  if (!type.ok()) return ToGrpcStatus(type.status());
  if (absl::Status s = (*provider)->DeleteRecord(*zone, *name, *type); !s.ok())
    return ProviderError(request->provider(), s);
  Audit("dns.delete", *name, absl::StrCat(request->provider(), ": ", *type));
  return grpc::Status::OK;
}

}  // namespace dm
