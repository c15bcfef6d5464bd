// `dm-controller --providers FILE`: the DNS (and cloud) providers that fleet files and dmctl call
// by name, with their credentials, so that no secret is ever on a command line, in a fleet file
// or in a message (docs/providers.md):
//
//   dns:
//     - name: edge                      # [a-z0-9-], what fleet files and dmctl say
//       type: powerdns                  # PowerDNS's HTTP API, any server
//       api_url: http://127.0.0.1:8081
//       api_key: "..."
//       server_id: localhost            # optional
//     - name: bind
//       type: rfc2136                   # dynamic updates signed with TSIG (BIND, Knot, ...)
//       server: 127.0.0.1:53
//       tsig_key: {name: dm-key, algorithm: hmac-sha256, secret: "BASE64"}
//   cloud:
//     - name: do1
//       type: digitalocean              # or hetzner
//       api_token: "..."
//       region: fra1                    # defaults for servers whose fleet file does not say
//       size: s-1vcpu-1gb
//       image: debian-12-x64
//   storage:                            # object stores the fleets' media live in (media: store:)
//     - name: media
//       type: swift                     # or s3: the fields of a --backup-store file
//       auth_url: https://swift.example.com/auth/v1.0
//       user: account:media
//       key: "..."
//       container: shop-media
//
// The file must not be readable by group or others. `local` is the controller's own (its
// embedded PowerDNS, its local servers) and cannot be named here. A type this controller does not
// have yet is refused, never accepted and ignored. Every problem is reported at once with its
// file, line and column.
#ifndef DM_CONTROLLER_PROVIDERS_PROVIDERS_CONFIG_H_
#define DM_CONTROLLER_PROVIDERS_PROVIDERS_CONFIG_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/http/http_client.h"
#include "controller/providers/cloud_provider.h"
#include "controller/providers/dns/dns_provider.h"
#include "controller/providers/storage/backup_store_config.h"

namespace dm {

// The DNS provider types this controller has, and what each is.
const std::vector<std::string>& DnsProviderTypes();

// The DNS providers a controller knows by name: `local` (its embedded PowerDNS, when it runs
// one) and those of --providers. Read-only once built: safe from any thread.
class DnsProviderSet {
 public:
  void Add(const std::string& name, DnsProvider* provider);  // not owned
  void Add(const std::string& name, std::unique_ptr<DnsProvider> provider);
  // nullptr when there is no such provider.
  DnsProvider* Find(const std::string& name) const;
  std::vector<std::string> Names() const;  // sorted

 private:
  std::map<std::string, DnsProvider*> by_name_;
  std::vector<std::unique_ptr<DnsProvider>> owned_;
};

// The cloud provider types a --providers file may name (`local` is the controller's own).
const std::vector<std::string>& CloudProviderTypes();

// The cloud providers of --providers, by name. Read-only once built: safe from any thread.
class CloudProviderSet {
 public:
  void Add(std::unique_ptr<CloudProvider> provider);
  // nullptr when there is no such provider.
  CloudProvider* Find(const std::string& name) const;
  std::vector<std::string> Names() const;  // sorted

 private:
  std::map<std::string, std::unique_ptr<CloudProvider>> by_name_;
};

// The object stores of --providers (`storage:`), by name: what a fleet's `media: store:` names.
const std::vector<std::string>& StorageTypes();

struct NamedStore {
  std::string name;
  StoreSettings settings;              // what the app nodes are told (their credentials among them)
  std::unique_ptr<ObjectStore> store;  // the controller's own way in (backups of the media)
};

class StorageSet {
 public:
  void Add(const std::string& name, StoreSettings settings, std::unique_ptr<ObjectStore> store);
  // nullptr when there is no such store.
  const NamedStore* Find(const std::string& name) const;

 private:
  std::map<std::string, NamedStore> by_name_;
};

// The providers `text` (the content of the file at `path`) configures, added to `dns` and
// `cloud` (nullptr: a `cloud:` entry is refused); `http` must outlive them. InvalidArgument
// listing every problem.
absl::Status ParseProviders(const std::string& text, const std::string& path, HttpClient* http,
                            DnsProviderSet* dns, CloudProviderSet* cloud = nullptr,
                            StorageSet* storage = nullptr);
// Reads the file (refusing one that others can read) and parses it.
absl::Status LoadProviders(const std::string& path, HttpClient* http, DnsProviderSet* dns,
                           CloudProviderSet* cloud = nullptr, StorageSet* storage = nullptr);

}  // namespace dm

#endif  // DM_CONTROLLER_PROVIDERS_PROVIDERS_CONFIG_H_
