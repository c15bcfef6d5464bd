// remote_file: a file downloaded over HTTP(S) (libcurl, loaded on first use), accepted only if its
// SHA-256 is the one the recipe names: a changed or tampered download never reaches the host.
//
//   - remote_file: /opt/app/release.tar.gz
//     source: https://releases.example.com/app-1.4.tar.gz
//     sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//     mode: "0644"
//
// A file that already has that checksum is not downloaded again.
#include <openssl/evp.h>

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "agent/cookbook/managed_file.h"
#include "agent/cookbook/resources/libcurl.h"
#include "agent/cookbook/resources/resource_types.h"
#include "common/files.h"

namespace dm::cookbook {
namespace {

constexpr size_t kMaxDownload = 1024ull * 1024 * 1024;  // held in memory: 1 GiB at most

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) out += {hex[digest[i] >> 4], hex[digest[i] & 15]};
  return out;
}

size_t Append(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * count > kMaxDownload) return 0;  // aborts the transfer
  out->append(data, size * count);
  return size * count;
}

absl::StatusOr<std::string> Download(const std::string& url, absl::Duration timeout) {
  absl::StatusOr<const Libcurl*> lib = LoadLibcurl();
  if (!lib.ok()) return lib.status();
  const Libcurl& c = **lib;
  CURL* curl = c.easy_init();
  if (curl == nullptr) return absl::InternalError("libcurl: out of memory");
  std::string body;
  char error[CURL_ERROR_SIZE] = {0};
  c.easy_setopt(curl, CURLOPT_URL, url.c_str());
  c.easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");  // no file://, no scp:// from a recipe
  c.easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  c.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  c.easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  c.easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  c.easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(timeout)));
  c.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  c.easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Append);
  c.easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  c.easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  c.easy_setopt(curl, CURLOPT_USERAGENT, "dm-agent");
  CURLcode rc = c.easy_perform(curl);
  c.easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat("download ", url, ": ", error[0] ? error : c.easy_strerror(rc)));
  }
  return body;
}

class RemoteFileResource : public Resource {
 public:
  RemoteFileResource(ResourceHeader header, ManagedFile file, std::string url, std::string sha256,
                     absl::Duration timeout)
      : Resource(std::move(header)),
        file_(std::move(file)),
        url_(std::move(url)),
        sha256_(std::move(sha256)),
        timeout_(timeout) {}

  absl::StatusOr<Outcome> Perform(const std::string& action, RunContext& context) override {
    if (action == "delete") return EnsureFileAbsent(file_, context);
    absl::StatusOr<std::string> current = ReadFile(file_.path);
    if (current.ok() && Sha256Hex(*current) == sha256_) {
      return EnsureFileContent(file_, *current, context);  // owner, group and mode only
    }
    if (context.dry_run) {
      Outcome out = Outcome::Changed({current.ok() ? "content (download)" : "created (download)"});
      return out;
    }
    absl::StatusOr<std::string> body = Download(url_, timeout_);
    if (!body.ok()) return body.status();
    std::string got = Sha256Hex(*body);
    if (got != sha256_) {
      return absl::DataLossError(absl::StrCat("download ", url_, " has sha256 ", got,
                                              ", not the expected ", sha256_,
                                              "; the file was not changed"));
    }
    ManagedFile file = file_;
    file.sensitive = true;  // no text diff of downloads
    return EnsureFileContent(file, *body, context);
  }
  bool OnlyStagesWrites() const override { return false; }

 private:
  ManagedFile file_;
  std::string url_, sha256_;
  absl::Duration timeout_;
};

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields, const CookbookFiles&) {
  ManagedFile file;
  file.path = fields.String("path").value_or(header.name);
  file.ownership = Ownership::Read(fields);
  file.backup = fields.Bool("backup", false);
  file.sensitive = true;
  std::string url = fields.RequiredString("source");
  std::string sha256 = absl::AsciiStrToLower(fields.RequiredString("sha256"));
  absl::Duration timeout = fields.Seconds("timeout").value_or(absl::Minutes(10));
  if (file.path.empty() || file.path[0] != '/') fields.Error("path", "must be an absolute path");
  if (!url.empty() && url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    fields.Error("source", "must be an http:// or https:// URL");
  }
  bool hex = sha256.size() == 64;
  for (char c : sha256) hex = hex && std::isxdigit(static_cast<unsigned char>(c));
  if (!sha256.empty() && !hex) fields.Error("sha256", "must be 64 hexadecimal digits");
  return std::make_unique<RemoteFileResource>(std::move(header), std::move(file), std::move(url),
                                              std::move(sha256), timeout);
}

}  // namespace

ResourceType RemoteFileType() { return {"remote_file", {"create", "delete"}, &Parse}; }

}  // namespace dm::cookbook
