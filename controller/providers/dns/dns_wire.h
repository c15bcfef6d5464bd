// DNS messages on the wire (RFC 1035), as far as the rfc2136 provider needs them: queries, dynamic
// updates (RFC 2136) and zone transfers, their records' data for the types DeployMachine manages,
// and transaction signatures (TSIG, RFC 8945) with HMAC-SHA256/384/512.
#ifndef DM_CONTROLLER_PROVIDERS_DNS_DNS_WIRE_H_
#define DM_CONTROLLER_PROVIDERS_DNS_DNS_WIRE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm::dnswire {

enum Type : uint16_t {
  kA = 1,
  kNs = 2,
  kCname = 5,
  kSoa = 6,
  kTxt = 16,
  kAaaa = 28,
  kTsig = 250,
  kAxfr = 252,
  kAny = 255,
};
enum Class : uint16_t { kIn = 1, kClassNone = 254, kClassAny = 255 };
enum Opcode : uint16_t { kQuery = 0, kUpdate = 5 };

// "A" -> kA; 0 for a type this code does not manage.
uint16_t TypeCode(const std::string& type);
std::string TypeName(uint16_t code);  // "A", ..., or "TYPE123"

struct Record {
  std::string name;  // fully qualified, lower case, no trailing dot ("" is the root)
  uint16_t type = 0;
  uint16_t klass = kIn;
  uint32_t ttl = 0;
  std::string rdata;  // on the wire, names in it uncompressed
};

struct Question {
  std::string name;
  uint16_t type = 0;
  uint16_t klass = kIn;
};

// For an UPDATE the sections are zone, prerequisites, updates and additional.
struct Message {
  uint16_t id = 0;
  uint16_t flags = 0;  // QR, opcode, AA, TC, RD, RA, rcode as in the header
  std::vector<Question> questions;
  std::vector<Record> answers, authority, additional;

  // Decode only: where the last additional record starts on the wire, when it is a TSIG (what
  // its MAC covers ends there).
  size_t tsig_offset = 0;

  uint16_t opcode() const { return (flags >> 11) & 0xf; }
  uint16_t rcode() const { return flags & 0xf; }
};

// "NOERROR", "REFUSED", "NOTAUTH", ... as RFC 1035 and 2136 name them.
std::string RcodeName(uint16_t rcode);

std::string EncodeName(const std::string& name);
std::string Encode(const Message& message);
// Names in the sections and in known records' data are decompressed.
absl::StatusOr<Message> Decode(const std::string& wire);

// A value as DnsRecord holds it ("10.0.0.1", "host.example", "some text") and back.
absl::StatusOr<std::string> RdataOf(uint16_t type, const std::string& value);
absl::StatusOr<std::string> ValueOf(uint16_t type, const std::string& rdata);

struct TsigKey {
  std::string name;       // "dm-key"
  std::string algorithm;  // "hmac-sha256", "hmac-sha384" or "hmac-sha512"
  std::string secret;     // the key itself (decoded from base64)
};

// Appends a TSIG record signing `message` (its additional section must not hold one yet) at
// `now`. Returns the MAC, which verifying the answer needs.
absl::StatusOr<std::string> Sign(const TsigKey& key, absl::Time now, Message* message);
// Checks the answer's TSIG against the request's MAC: it must be there, be the key's, and match;
// an error the server reports in it (BADSIG, BADKEY, BADTIME) is named. The TSIG is removed.
absl::Status Verify(const TsigKey& key, const std::string& request_mac, const std::string& wire,
                    Message* answer);

// The same for every message of a stream of answers to one request (a zone transfer): the first
// is signed over the request's MAC; each later signed one over the signature before it, the
// unsigned messages since and itself, with only the time variables (RFC 8945 5.3.1). Up to 99
// messages in a row may be unsigned; the stream's last must be signed.
class TsigVerifier {
 public:
  TsigVerifier(TsigKey key, std::string request_mac);
  // Each answer in the order received; its TSIG, when it has one, is removed.
  absl::Status Next(const std::string& wire, Message* answer);
  // OK when the last message given to Next was signed.
  absl::Status Finish() const;

 private:
  const TsigKey key_;
  std::string prior_mac_;
  std::string unsigned_wire_;  // unsigned messages since the last signed one
  int messages_ = 0;
  int unsigned_in_a_row_ = 0;
  bool last_signed_ = false;
};

}  // namespace dm::dnswire

#endif  // DM_CONTROLLER_PROVIDERS_DNS_DNS_WIRE_H_
