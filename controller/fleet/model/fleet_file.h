// Fleet files: what an operator wants running (deploy/examples/local.yaml).
//
//   name: shop                      # lower-case letters, digits, '-'; names the servers
//   domain: shop.test               # DNS: DOMAIN and www.DOMAIN point at the load balancers
//   provider: local                 # where servers come from: local, or a cloud of --providers
//   region: fra1                    # at a cloud: the servers' region, image and size
//   image: debian-12-x64            #   (default: the provider's, in --providers)
//   size: s-1vcpu-1gb
//   roles:                          # role (deploy/roles/ROLE.yaml): how many servers
//     dbserver: {count: 1, size: s-2vcpu-4gb}   # a role may say its own region/image/size
//     appnode: 2
//     loadbalancer: 1
//   app:                            # the application the app nodes run (fleet_app.h)
//     repository: ../..             # git URL, or a path relative to this file
//     path: deploy/examples/app     # its folder in the repository (default ".")
//     revision: HEAD                # branch, tag or commit
//     wsgi: guestbook:app           # what gunicorn runs (or asgi: for uvicorn), and more
//   cache: redis                    # what cache nodes run: memcached (default) or redis
//   attributes: {guestbook: {workers: "3"}}   # fleet attributes, above the roles'
//   secrets:                        # attributes the controller generates once and keeps
//     database.password: {generate: 32}
//   backups: {every: 24h, keep: 7}  # scheduled database backups, the newest 7 kept
//   heal: {database: restore-latest}  # a lost database server may be replaced (docs/health.md)
//   deploy: {settle: 20s, watch: 2m}  # how long deployed nodes are judged by their checks
//   dns: {provider: bind, zone: example.com}  # where DOMAIN's names are kept (default: local)
//   media: {store: media}           # uploads in a --providers object store (docs/apps.md)
//
// Every problem is reported at once, each as "file:line:column: field: what is wrong".
#ifndef DM_CONTROLLER_FLEET_MODEL_FLEET_FILE_H_
#define DM_CONTROLLER_FLEET_MODEL_FLEET_FILE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/yaml/yaml_tree.h"
#include "controller/fleet/model/fleet_app.h"
#include "nlohmann/json.hpp"

namespace dm {

// What a role serves to its fleet (deploy/roles/ROLE.yaml, `provides:`).
enum class Service { kDatabase, kCache, kApp, kLoadBalancer, kTasks, kLogs };

// Where a server is made at a cloud provider, in the provider's words; "" for its default.
struct ServerPlacement {
  std::string region, image, size;
};

struct FleetRole {
  std::string role;
  int count = 0;
  ServerPlacement placement;  // the role's own, over the fleet's
  yaml::Mark count_mark;      // where the count is written (dmctl scale rewrites it there)
  yaml::Mark key_mark;        // where the role's name is written (dmctl split rewrites it)
  std::vector<Service> provides;
  // The role's remediation ladder (ROLE.yaml `remediation:`): "restart", "reconverge", "replace".
  std::vector<std::string> remediation = {"restart", "reconverge", "replace"};

  bool Provides(Service s) const;
};

// Scheduled database backups (the controller takes them): `every` 0 means none; `keep` 0 keeps
// every backup, else the newest `keep` (scheduled or not) are kept.
struct FleetBackups {
  absl::Duration every = absl::ZeroDuration();
  int keep = 0;
};

// What self-healing may do beyond its defaults (docs/health.md).
struct FleetHeal {
  // A server holding the database is replaced, its data restored from the newest backup
  // (`database: restore-latest`); by default it is not replaced (`database: never`).
  bool restore_database = false;
};

// How dmctl deploy judges a revision by the app nodes' checks (docs/health.md).
struct FleetDeploy {
  // How long each node must pass its checks after it moved before the next one moves; zero: from
  // its checks' beat (long enough for each to fail `fall` times in a row).
  absl::Duration settle = absl::ZeroDuration();
  // After a finished deploy: when every app node turns unhealthy within this time, the fleet goes
  // back to the last commit that was healthy.
  absl::Duration watch = absl::Minutes(2);
};

// Where the fleet's names (DOMAIN and www.DOMAIN) are kept: a DNS provider of the controller
// (`local`, its own PowerDNS, or one of --providers, docs/providers.md) and the zone there, the
// domain itself or a zone above it.
struct FleetDns {
  std::string provider = "local";
  std::string zone;  // default: the domain
};

// Where the app's uploads live: an object store of the controller's --providers (`storage:`).
struct FleetMedia {
  std::string store;  // "": the fleet keeps no media
};

struct FleetSecret {
  std::string attribute;  // "database.password"
  int generate = 0;       // characters to generate
};

struct FleetFile {
  std::string name;
  std::string domain;
  std::string provider = "local";
  ServerPlacement placement;     // the fleet's default (a cloud provider's own below it)
  std::vector<FleetRole> roles;  // in the file's order
  FleetApp app;
  nlohmann::json attributes = nlohmann::json::object();
  std::string cache = "memcached";  // or "redis": what the cache nodes run
  std::vector<FleetSecret> secrets;
  FleetBackups backups;
  FleetHeal heal;
  FleetDeploy deploy;
  FleetDns dns;
  FleetMedia media;
  // Not from the file: where its roles and cookbooks are (the deploy folder it was read with).
  std::string deploy_dir;
  // Not from the file: servers that took a place over from a replaced one ("shop-appnode-2" ->
  // "shop-appnode-2r"), from the fleet's record (FleetLoader fills it in).
  std::map<std::string, std::string> server_names;

  // nullptr if the fleet has no such role.
  const FleetRole* Find(const std::string& role) const;
  // Where the role's servers are made: the role's placement over the fleet's.
  ServerPlacement PlacementOf(const std::string& role) const;
};

// The `name:` a fleet file's text gives, or "" (before it is read whole against its roles).
std::string FleetNameIn(const std::string& text);

// Parses a fleet file's text. `path` names it in messages and anchors a relative repository;
// roles are looked up in DEPLOY_DIR/roles. InvalidArgument listing every problem.
absl::StatusOr<FleetFile> ParseFleetFile(const std::string& text, const std::string& path,
                                         const std::string& deploy_dir);

// The roles' `provides:` as read from DEPLOY_DIR/roles/ROLE.yaml. NotFound without that file.
absl::StatusOr<std::vector<Service>> ReadRoleServices(const std::string& deploy_dir,
                                                      const std::string& role);
// The role's `remediation:` ladder (the default one when the role names none).
absl::StatusOr<std::vector<std::string>> ReadRoleRemediation(const std::string& deploy_dir,
                                                             const std::string& role);

// `text` with the scalar written at `mark` (as `old_value`) replaced by `new_value`; the rest,
// comments included, as it was. InvalidArgument if `old_value` is not there.
absl::StatusOr<std::string> ReplaceScalarAt(const std::string& text, const yaml::Mark& mark,
                                            const std::string& old_value,
                                            const std::string& new_value);

// `text` with `role` (written once, count 1) renamed `renamed` and a role `added: 1` written
// after it, in block or flow style: "dbappbalancer: 1" -> "appbalancer: 1" + "dbserver: 1".
absl::StatusOr<std::string> SplitRole(const std::string& text, const FleetRole& role,
                                      const std::string& renamed, const std::string& added);

// "shop-appnode-2"
std::string FleetServerName(const std::string& fleet, const std::string& role, int index);
// The name of the server that replaces `current` in place `slot`: the two alternate
// ("shop-appnode-2" <-> "shop-appnode-2r"), so that a replacement boots beside the server it
// replaces.
std::string ReplacementName(const std::string& slot, const std::string& current);

// Names a fleet can have: 1 to 15 lower-case letters, digits and '-', starting with a letter
// (servers are named FLEET-ROLE-N, at most 32 characters).
bool IsFleetName(const std::string& name);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_MODEL_FLEET_FILE_H_
