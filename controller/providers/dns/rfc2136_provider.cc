#include "controller/providers/dns/rfc2136_provider.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "common/status_macros.h"

namespace dm {
namespace {

using dnswire::Message;
using dnswire::Record;

// One TCP connection to the server; messages carry their two-byte length (RFC 1035 4.2.2).
class Connection {
 public:
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }

  absl::Status Open(const std::string& host, uint16_t port, absl::Duration timeout) {
    sockaddr_storage address{};
    socklen_t length = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(port);
      length = sizeof(*v4);
    } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(port);
      length = sizeof(*v6);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("'", host, "' is not an address"));
    }
    fd_ = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
    where_ = absl::StrCat(host, ":", port);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 &&
        errno != EINPROGRESS) {
      return absl::UnavailableError(absl::StrCat(where_, ": ", std::strerror(errno)));
    }
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) != 1)
      return absl::DeadlineExceededError(
          absl::StrCat(where_, ": no connection within ", absl::FormatDuration(timeout)));
    int error = 0;
    socklen_t size = sizeof(error);
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0) return absl::UnavailableError(absl::StrCat(where_, ": ", std::strerror(error)));
    timeout_ = timeout;
    return absl::OkStatus();
  }

  absl::Status Send(const std::string& message) {
    std::string framed;
    framed.push_back(static_cast<char>(message.size() >> 8));
    framed.push_back(static_cast<char>(message.size() & 0xff));
    framed += message;
    for (size_t sent = 0; sent < framed.size();) {
      DM_RETURN_IF_ERROR(Wait(POLLOUT));
      ssize_t n = ::send(fd_, framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        return absl::UnavailableError(absl::StrCat(where_, ": ", std::strerror(errno)));
      if (n > 0) sent += static_cast<size_t>(n);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Receive() {
    DM_ASSIGN_OR_RETURN(std::string length, Read(2));
    size_t size = (static_cast<uint8_t>(length[0]) << 8) | static_cast<uint8_t>(length[1]);
    return Read(size);
  }

 private:
  absl::Status Wait(short events) {
    pollfd p{fd_, events, 0};
    int ready = ::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout_)));
    if (ready == 0) {
      return absl::DeadlineExceededError(
          absl::StrCat(where_, ": no answer within ", absl::FormatDuration(timeout_)));
    }
    if (ready < 0 && errno != EINTR)
      return absl::UnavailableError(absl::StrCat(where_, ": ", std::strerror(errno)));
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> Read(size_t size) {
    std::string out(size, '\0');
    for (size_t got = 0; got < size;) {
      DM_RETURN_IF_ERROR(Wait(POLLIN));
      ssize_t n = ::recv(fd_, out.data() + got, size - got, 0);
      if (n == 0) return absl::UnavailableError(absl::StrCat(where_, ": closed the connection"));
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        return absl::UnavailableError(absl::StrCat(where_, ": ", std::strerror(errno)));
      if (n > 0) got += static_cast<size_t>(n);
    }
    return out;
  }

  int fd_ = -1;
  std::string where_;
  absl::Duration timeout_ = absl::Seconds(10);
};

uint16_t NewId() { return static_cast<uint16_t>(RandomUint64() & 0xffff); }

// A record set's removal in an UPDATE (RFC 2136 2.5.2): class ANY, TTL 0, no data.
Record DeleteSet(const std::string& name, uint16_t type) {
  return Record{name, type, dnswire::kClassAny, 0, ""};
}

absl::Status Refused(const std::string& what, const Message& answer) {
  const uint16_t rcode = answer.rcode();
  std::string why = rcode == 5   ? " (the server does not allow this key to do it)"
                    : rcode == 9 ? " (the server is not authoritative for the zone)"
                                 : "";
  return absl::FailedPreconditionError(
      absl::StrCat(what, ": the DNS server answered ", dnswire::RcodeName(rcode), why));
}

}  // namespace

absl::StatusOr<Message> Rfc2136Provider::Exchange(Message request) {
  request.id = NewId();
  DM_ASSIGN_OR_RETURN(std::string mac, dnswire::Sign(options_.key, absl::Now(), &request));
  Connection connection;
  DM_RETURN_IF_ERROR(connection.Open(options_.host, options_.port, options_.timeout));
  DM_RETURN_IF_ERROR(connection.Send(dnswire::Encode(request)));
  DM_ASSIGN_OR_RETURN(std::string wire, connection.Receive());
  DM_ASSIGN_OR_RETURN(Message answer, dnswire::Decode(wire));
  if (answer.id != request.id) return absl::DataLossError("the DNS server answered another id");
  DM_RETURN_IF_ERROR(dnswire::Verify(options_.key, mac, wire, &answer));
  return answer;
}

absl::Status Rfc2136Provider::EnsureZone(const std::string& zone) {
  Message query;
  query.questions.push_back({zone, dnswire::kSoa, dnswire::kIn});
  DM_ASSIGN_OR_RETURN(Message answer, Exchange(std::move(query)));
  bool has_soa = answer.rcode() == 0 &&
                 std::any_of(answer.answers.begin(), answer.answers.end(), [&](const Record& r) {
                   return r.type == dnswire::kSoa && r.name == zone;
                 });
  if (!has_soa) {
    return absl::FailedPreconditionError(absl::StrCat(
        "zone ", zone, " is not on the DNS server (", dnswire::RcodeName(answer.rcode()),
        "): dynamic updates cannot create a zone; add it to the server's configuration"));
  }
  return absl::OkStatus();
}

absl::Status Rfc2136Provider::Update(const std::string& zone, std::vector<Record> updates) {
  Message update;
  update.flags = static_cast<uint16_t>(dnswire::kUpdate << 11);
  update.questions.push_back({zone, dnswire::kSoa, dnswire::kIn});  // the zone section
  update.authority = std::move(updates);                            // the update section
  DM_ASSIGN_OR_RETURN(Message answer, Exchange(std::move(update)));
  if (answer.rcode() != 0) return Refused(absl::StrCat("updating zone ", zone), answer);
  return absl::OkStatus();
}

absl::Status Rfc2136Provider::SetRecord(const std::string& zone, const DnsRecord& record) {
  const uint16_t type = dnswire::TypeCode(record.type);
  if (type == 0) return absl::InvalidArgumentError(absl::StrCat("record type ", record.type));
  // One message: the old set goes and the new one comes in the same transaction.
  std::vector<Record> updates = {DeleteSet(record.name, type)};
  for (const std::string& value : record.values) {
    DM_ASSIGN_OR_RETURN(std::string rdata, dnswire::RdataOf(type, value));
    updates.push_back(
        Record{record.name, type, dnswire::kIn, static_cast<uint32_t>(record.ttl), rdata});
  }
  return Update(zone, std::move(updates));
}

absl::Status Rfc2136Provider::DeleteRecord(const std::string& zone, const std::string& name,
                                           const std::string& type) {
  const uint16_t code = dnswire::TypeCode(type);
  if (code == 0) return absl::InvalidArgumentError(absl::StrCat("record type ", type));
  return Update(zone, {DeleteSet(name, code)});
}

absl::StatusOr<std::vector<DnsRecord>> Rfc2136Provider::ListRecords(const std::string& zone) {
  Message query;
  query.id = NewId();
  query.questions.push_back({zone, dnswire::kAxfr, dnswire::kIn});
  DM_ASSIGN_OR_RETURN(std::string mac, dnswire::Sign(options_.key, absl::Now(), &query));
  Connection connection;
  DM_RETURN_IF_ERROR(connection.Open(options_.host, options_.port, options_.timeout));
  DM_RETURN_IF_ERROR(connection.Send(dnswire::Encode(query)));
  std::map<std::pair<std::string, std::string>, DnsRecord> sets;
  dnswire::TsigVerifier verifier(options_.key, mac);
  int soas = 0;
  while (soas < 2) {
    DM_ASSIGN_OR_RETURN(std::string wire, connection.Receive());
    DM_ASSIGN_OR_RETURN(Message answer, dnswire::Decode(wire));
    if (answer.rcode() == 9 || answer.rcode() == 5 || answer.rcode() == 3) {
      if (answer.rcode() == 9 || answer.rcode() == 3)
        return absl::NotFoundError(absl::StrCat("no DNS zone ", zone, " on the server"));
      return Refused(absl::StrCat("transferring zone ", zone), answer);
    }
    // Every message is checked, each signature chained to the one before it.
    DM_RETURN_IF_ERROR(verifier.Next(wire, &answer));
    if (answer.rcode() != 0) return Refused(absl::StrCat("transferring zone ", zone), answer);
    if (answer.answers.empty()) return absl::DataLossError("an empty zone transfer message");
    for (const Record& r : answer.answers) {
      if (r.type == dnswire::kSoa) {
        ++soas;
        continue;
      }
      if (r.type != dnswire::kA && r.type != dnswire::kAaaa && r.type != dnswire::kCname &&
          r.type != dnswire::kTxt) {
        continue;
      }
      DnsRecord& set = sets[{r.name, dnswire::TypeName(r.type)}];
      set.name = r.name;
      set.type = dnswire::TypeName(r.type);
      set.ttl = static_cast<int>(r.ttl);
      DM_ASSIGN_OR_RETURN(std::string value, dnswire::ValueOf(r.type, r.rdata));
      set.values.push_back(value);
    }
  }
  DM_RETURN_IF_ERROR(verifier.Finish());
  std::vector<DnsRecord> records;
  for (auto& [key, set] : sets) {
    std::sort(set.values.begin(), set.values.end());
    records.push_back(std::move(set));
  }
  return records;
}

absl::Status Rfc2136Provider::DeleteZone(const std::string& zone) {
  absl::StatusOr<std::vector<DnsRecord>> records = ListRecords(zone);
  if (absl::IsNotFound(records.status())) return absl::OkStatus();
  if (!records.ok()) return records.status();
  std::vector<Record> updates;
  for (const DnsRecord& r : *records)
    updates.push_back(DeleteSet(r.name, dnswire::TypeCode(r.type)));
  if (updates.empty()) return absl::OkStatus();
  return Update(zone, std::move(updates));
}

}  // namespace dm
