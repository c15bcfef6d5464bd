#include "controller/providers/dns/dns_wire.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"

namespace dm::dnswire {
namespace {

void Put16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}
void Put32(std::string* out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v >> 16));
  Put16(out, static_cast<uint16_t>(v & 0xffff));
}
void Put48(std::string* out, uint64_t v) {
  Put16(out, static_cast<uint16_t>(v >> 32));
  Put32(out, static_cast<uint32_t>(v & 0xffffffff));
}

// Reads a message, following name compression pointers.
class Reader {
 public:
  explicit Reader(const std::string& wire) : wire_(wire) {}
  size_t at() const { return at_; }
  bool ok() const { return ok_; }

  uint16_t U16() {
    if (!Need(2)) return 0;
    uint16_t v = static_cast<uint16_t>((static_cast<uint8_t>(wire_[at_]) << 8) |
                                       static_cast<uint8_t>(wire_[at_ + 1]));
    at_ += 2;
    return v;
  }
  uint32_t U32() {
    uint32_t high = U16();
    return (high << 16) | U16();
  }
  std::string Bytes(size_t n) {
    if (!Need(n)) return "";
    std::string b = wire_.substr(at_, n);
    at_ += n;
    return b;
  }
  // A name at the reader's position; the position moves past it (not past what it points to).
  std::string Name() { return NameAt(&at_); }
  std::string NameAt(size_t* pos) {
    std::string name;
    size_t p = *pos;
    bool jumped = false;
    for (int hops = 0; hops < 128; ++hops) {
      if (p >= wire_.size()) break;
      uint8_t len = static_cast<uint8_t>(wire_[p]);
      if (len == 0) {
        if (!jumped) *pos = p + 1;
        return name;
      }
      if ((len & 0xc0) == 0xc0) {
        if (p + 1 >= wire_.size()) break;
        size_t target = ((len & 0x3f) << 8) | static_cast<uint8_t>(wire_[p + 1]);
        if (!jumped) *pos = p + 2;
        jumped = true;
        p = target;
        continue;
      }
      if (p + 1 + len > wire_.size()) break;
      if (!name.empty()) name += '.';
      name += absl::AsciiStrToLower(wire_.substr(p + 1, len));
      p += 1 + len;
    }
    ok_ = false;
    return "";
  }

 private:
  bool Need(size_t n) {
    if (at_ + n > wire_.size()) ok_ = false;
    return ok_;
  }
  const std::string& wire_;
  size_t at_ = 12;
  bool ok_ = true;
};

const EVP_MD* Digest(const std::string& algorithm) {
  if (algorithm == "hmac-sha256") return EVP_sha256();
  if (algorithm == "hmac-sha384") return EVP_sha384();
  if (algorithm == "hmac-sha512") return EVP_sha512();
  return nullptr;
}

absl::StatusOr<std::string> Hmac(const TsigKey& key, const std::string& data) {
  const EVP_MD* md = Digest(key.algorithm);
  if (md == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("TSIG algorithm '", key.algorithm,
                                                   "' is not hmac-sha256, hmac-sha384 or "
                                                   "hmac-sha512"));
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(md, key.secret.data(), static_cast<int>(key.secret.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &size) == nullptr) {
    return absl::InternalError("HMAC failed");
  }
  return std::string(reinterpret_cast<char*>(mac), size);
}

// The TSIG variables the MAC covers after the message (RFC 8945 4.3.3).
std::string TsigVariables(const TsigKey& key, uint64_t time_signed, uint16_t fudge, uint16_t error,
                          const std::string& other) {
  std::string v = EncodeName(absl::AsciiStrToLower(key.name));
  Put16(&v, kClassAny);
  Put32(&v, 0);
  v += EncodeName(key.algorithm);
  Put48(&v, time_signed);
  Put16(&v, fudge);
  Put16(&v, error);
  Put16(&v, static_cast<uint16_t>(other.size()));
  v += other;
  return v;
}

}  // namespace

uint16_t TypeCode(const std::string& type) {
  if (type == "A") return kA;
  if (type == "AAAA") return kAaaa;
  if (type == "CNAME") return kCname;
  if (type == "TXT") return kTxt;
  if (type == "NS") return kNs;
  if (type == "SOA") return kSoa;
  return 0;
}

std::string TypeName(uint16_t code) {
  switch (code) {
    case kA:
      return "A";
    case kAaaa:
      return "AAAA";
    case kCname:
      return "CNAME";
    case kTxt:
      return "TXT";
    case kNs:
      return "NS";
    case kSoa:
      return "SOA";
    case kTsig:
      return "TSIG";
  }
  return absl::StrCat("TYPE", code);
}

std::string RcodeName(uint16_t rcode) {
  static const char* kNames[] = {"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                 "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
  if (rcode < sizeof(kNames) / sizeof(kNames[0])) return kNames[rcode];
  if (rcode == 16) return "BADSIG";
  if (rcode == 17) return "BADKEY";
  if (rcode == 18) return "BADTIME";
  return absl::StrCat("RCODE", rcode);
}

std::string EncodeName(const std::string& name) {
  std::string out;
  for (absl::string_view label :
       absl::StrSplit(absl::StripSuffix(name, "."), '.', absl::SkipEmpty())) {
    out.push_back(static_cast<char>(label.size()));
    out.append(label.data(), label.size());
  }
  out.push_back('\0');
  return out;
}

std::string Encode(const Message& m) {
  std::string out;
  Put16(&out, m.id);
  Put16(&out, m.flags);
  Put16(&out, static_cast<uint16_t>(m.questions.size()));
  Put16(&out, static_cast<uint16_t>(m.answers.size()));
  Put16(&out, static_cast<uint16_t>(m.authority.size()));
  Put16(&out, static_cast<uint16_t>(m.additional.size()));
  for (const Question& q : m.questions) {
    out += EncodeName(q.name);
    Put16(&out, q.type);
    Put16(&out, q.klass);
  }
  for (const auto* section : {&m.answers, &m.authority, &m.additional}) {
    for (const Record& r : *section) {
      out += EncodeName(r.name);
      Put16(&out, r.type);
      Put16(&out, r.klass);
      Put32(&out, r.ttl);
      Put16(&out, static_cast<uint16_t>(r.rdata.size()));
      out += r.rdata;
    }
  }
  return out;
}

absl::StatusOr<Message> Decode(const std::string& wire) {
  if (wire.size() < 12) return absl::DataLossError("a DNS message shorter than its header");
  Message m;
  auto u16 = [&](size_t at) {
    return static_cast<uint16_t>((static_cast<uint8_t>(wire[at]) << 8) |
                                 static_cast<uint8_t>(wire[at + 1]));
  };
  m.id = u16(0);
  m.flags = u16(2);
  const uint16_t counts[4] = {u16(4), u16(6), u16(8), u16(10)};
  Reader r(wire);
  for (uint16_t i = 0; i < counts[0]; ++i) {
    Question q;
    q.name = r.Name();
    q.type = r.U16();
    q.klass = r.U16();
    m.questions.push_back(q);
  }
  std::vector<Record>* sections[3] = {&m.answers, &m.authority, &m.additional};
  for (int s = 0; s < 3; ++s) {
    for (uint16_t i = 0; i < counts[s + 1]; ++i) {
      const size_t start = r.at();
      Record rec;
      rec.name = r.Name();
      rec.type = r.U16();
      rec.klass = r.U16();
      rec.ttl = r.U32();
      const uint16_t length = r.U16();
      const size_t rdata_at = r.at();
      rec.rdata = r.Bytes(length);
      if (!r.ok()) return absl::DataLossError("a DNS message cut short");
      // Names inside known records' data may be compressed: written out again in full.
      if (rec.type == kCname || rec.type == kNs) {
        size_t p = rdata_at;
        rec.rdata = EncodeName(r.NameAt(&p));
      } else if (rec.type == kSoa || rec.type == kTsig) {
        size_t p = rdata_at;
        std::string first = EncodeName(r.NameAt(&p));
        std::string second = rec.type == kSoa ? EncodeName(r.NameAt(&p)) : "";
        if (p > rdata_at + length) return absl::DataLossError("a record's data cut short");
        rec.rdata = first + second + wire.substr(p, rdata_at + length - p);
      }
      if (s == 2 && rec.type == kTsig && i + 1 == counts[3]) m.tsig_offset = start;
      sections[s]->push_back(std::move(rec));
    }
  }
  if (!r.ok()) return absl::DataLossError("a DNS message cut short");
  return m;
}

absl::StatusOr<std::string> RdataOf(uint16_t type, const std::string& value) {
  switch (type) {
    case kA: {
      unsigned char b[4];
      if (::inet_pton(AF_INET, value.c_str(), b) != 1)
        return absl::InvalidArgumentError(absl::StrCat("'", value, "' is not an IPv4 address"));
      return std::string(reinterpret_cast<char*>(b), 4);
    }
    case kAaaa: {
      unsigned char b[16];
      if (::inet_pton(AF_INET6, value.c_str(), b) != 1)
        return absl::InvalidArgumentError(absl::StrCat("'", value, "' is not an IPv6 address"));
      return std::string(reinterpret_cast<char*>(b), 16);
    }
    case kCname:
    case kNs:
      return EncodeName(value);
    case kTxt: {
      if (value.size() > 255) return absl::InvalidArgumentError("TXT text over 255 bytes");
      return std::string(1, static_cast<char>(value.size())) + value;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("record type ", TypeName(type)));
}

absl::StatusOr<std::string> ValueOf(uint16_t type, const std::string& rdata) {
  switch (type) {
    case kA:
    case kAaaa: {
      char text[INET6_ADDRSTRLEN];
      const int family = type == kA ? AF_INET : AF_INET6;
      if (rdata.size() != (type == kA ? 4u : 16u) ||
          ::inet_ntop(family, rdata.data(), text, sizeof(text)) == nullptr) {
        return absl::DataLossError("an address record of the wrong size");
      }
      return std::string(text);
    }
    case kCname:
    case kNs: {
      std::string wire = std::string(12, '\0') + rdata;
      Reader r(wire);
      std::string name = r.Name();
      if (!r.ok()) return absl::DataLossError("a name record cut short");
      return name;
    }
    case kTxt: {
      // One or more character-strings, joined (DnsRecord's values are single strings).
      std::string text;
      for (size_t p = 0; p < rdata.size();) {
        size_t len = static_cast<uint8_t>(rdata[p]);
        if (p + 1 + len > rdata.size()) return absl::DataLossError("a TXT record cut short");
        text += rdata.substr(p + 1, len);
        p += 1 + len;
      }
      return text;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("record type ", TypeName(type)));
}

absl::StatusOr<std::string> Sign(const TsigKey& key, absl::Time now, Message* message) {
  const uint64_t time_signed = static_cast<uint64_t>(absl::ToUnixSeconds(now));
  const uint16_t fudge = 300;
  DM_ASSIGN_OR_RETURN(std::string mac,
                      Hmac(key, Encode(*message) + TsigVariables(key, time_signed, fudge, 0, "")));
  Record tsig;
  tsig.name = absl::AsciiStrToLower(key.name);
  tsig.type = kTsig;
  tsig.klass = kClassAny;
  tsig.ttl = 0;
  tsig.rdata = EncodeName(key.algorithm);
  Put48(&tsig.rdata, time_signed);
  Put16(&tsig.rdata, fudge);
  Put16(&tsig.rdata, static_cast<uint16_t>(mac.size()));
  tsig.rdata += mac;
  Put16(&tsig.rdata, message->id);
  Put16(&tsig.rdata, 0);  // error
  Put16(&tsig.rdata, 0);  // other length
  message->additional.push_back(std::move(tsig));
  return mac;
}

TsigVerifier::TsigVerifier(TsigKey key, std::string request_mac)
    : key_(std::move(key)), prior_mac_(std::move(request_mac)) {}

absl::Status TsigVerifier::Next(const std::string& wire, Message* answer) {
  const bool has_tsig = answer->tsig_offset != 0 && !answer->additional.empty() &&
                        answer->additional.back().type == kTsig;
  if (!has_tsig) {
    // Only a later message of a stream may go unsigned, and at most 99 in a row (RFC 8945 5.3.1).
    if (messages_ == 0 || ++unsigned_in_a_row_ >= 100) {
      return absl::PermissionDeniedError(absl::StrCat("the DNS server's answer (",
                                                      RcodeName(answer->rcode()),
                                                      ") is not signed with key ", key_.name));
    }
    ++messages_;
    unsigned_wire_ += wire;
    last_signed_ = false;
    return absl::OkStatus();
  }
  const Record tsig = answer->additional.back();
  answer->additional.pop_back();
  // Its data: algorithm, time (48), fudge, MAC size, MAC, original id, error, other.
  const std::string data = std::string(12, '\0') + tsig.rdata;
  Reader r(data);
  const std::string algorithm = r.Name();
  const uint64_t time_high = r.U16();
  const uint64_t time_signed = (time_high << 32) | r.U32();
  const uint16_t fudge = r.U16();
  const std::string mac = r.Bytes(r.U16());
  const uint16_t original_id = r.U16();
  const uint16_t error = r.U16();
  const std::string other = r.Bytes(r.U16());
  if (!r.ok()) return absl::DataLossError("a TSIG record cut short");
  if (error != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("the DNS server refused key ", key_.name, ": ", RcodeName(error),
                     error == 16   ? " (the secret does not match the server's)"
                     : error == 17 ? " (the server has no such key, or not with this algorithm)"
                     : error == 18 ? " (this machine's clock and the server's differ)"
                                   : ""));
  }
  if (tsig.name != absl::AsciiStrToLower(key_.name) || algorithm != key_.algorithm) {
    return absl::PermissionDeniedError("the DNS server's answer is signed with another key");
  }
  // The MAC covers the MAC before it (the request's, or the stream's last), the unsigned messages
  // since, this message as it was before its TSIG was added (one additional record fewer, its
  // original id), and the TSIG variables: all of them for a first answer, only the time after.
  std::string covered = wire.substr(0, answer->tsig_offset);
  const uint16_t arcount = static_cast<uint16_t>(answer->additional.size());
  covered[0] = static_cast<char>(original_id >> 8);
  covered[1] = static_cast<char>(original_id & 0xff);
  covered[10] = static_cast<char>(arcount >> 8);
  covered[11] = static_cast<char>(arcount & 0xff);
  std::string digested;
  Put16(&digested, static_cast<uint16_t>(prior_mac_.size()));
  digested += prior_mac_;
  digested += unsigned_wire_;
  digested += covered;
  if (messages_ == 0) {
    digested += TsigVariables(key_, time_signed, fudge, error, other);
  } else {
    Put48(&digested, time_signed);
    Put16(&digested, fudge);
  }
  DM_ASSIGN_OR_RETURN(std::string expected, Hmac(key_, digested));
  if (expected.size() != mac.size() ||
      CRYPTO_memcmp(expected.data(), mac.data(), mac.size()) != 0) {
    return absl::PermissionDeniedError(
        messages_ == 0 ? "the DNS server's answer has a wrong signature"
                       : absl::StrCat("message ", messages_ + 1,
                                      " of the DNS server's answer has a wrong signature"));
  }
  ++messages_;
  prior_mac_ = mac;
  unsigned_wire_.clear();
  unsigned_in_a_row_ = 0;
  last_signed_ = true;
  return absl::OkStatus();
}

absl::Status TsigVerifier::Finish() const {
  if (last_signed_) return absl::OkStatus();
  return absl::PermissionDeniedError("the DNS server's answer ended with an unsigned message");
}

absl::Status Verify(const TsigKey& key, const std::string& request_mac, const std::string& wire,
                    Message* answer) {
  TsigVerifier verifier(key, request_mac);
  return verifier.Next(wire, answer);
}

}  // namespace dm::dnswire
