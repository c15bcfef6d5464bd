// A fleet's layout: which servers it has (FLEET-ROLE-N), in what order they converge, and the
// attributes that wire them together once their addresses are known: where the database and
// the cache are, which app nodes the load balancer sends to, who may reach each port.
// Pure functions of the fleet file and the addresses, so that plan and up agree.
#ifndef DM_CONTROLLER_FLEET_MODEL_FLEET_LAYOUT_H_
#define DM_CONTROLLER_FLEET_MODEL_FLEET_LAYOUT_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "controller/fleet/model/fleet_file.h"
#include "nlohmann/json.hpp"

namespace dm {

struct FleetHost {
  std::string name;  // "shop-appnode-2"
  std::string role;
  int index = 0;  // 1-based within the role
  std::vector<Service> provides;
  std::string address;  // "" until booted; public: where users and DNS reach it
  // On the provider's private network, where the fleet's hosts reach each other ("" without
  // one: then `address`).
  std::string private_address;

  bool Provides(Service s) const;
  // Converge order: 0 database, 1 cache, 2 app, 3 load balancer (a host serving several
  // converges with the last of them, when what it depends on is ready).
  int stage() const;
};

// Every server the fleet file asks for, in the file's role order.
std::vector<FleetHost> DesiredHosts(const FleetFile& fleet);

// What the controller adds to the file: the app's source as servers reach it, the secrets'
// values, and where the controller itself is (its health checks reach app nodes).
struct FleetContext {
  std::string app_repository;                  // the mirror's URL as servers reach it
  std::string app_commit;                      // the commit to run
  std::map<std::string, std::string> secrets;  // attribute -> value
  std::string controller_address;              // "" if unknown
  // A rolling deploy: app nodes taken out of the load balancers, and nodes that run another
  // commit than app_commit for now.
  std::set<std::string> drained;
  bool maintenance = false;                      // the load balancers serve the maintenance page
  std::map<std::string, uint64_t> memory_bytes;  // each host's memory (its agent's facts)
  std::map<std::string, std::string> host_commits;
  // Where the app's media are (DM_MEDIA_*, steps/media.h): the app and task nodes' settings.
  std::vector<std::pair<std::string, std::string>> media_env;
};

// The fleet attributes for `host` (a JSON object): the file's attributes and secrets, then the
// wiring (database.host/name/user, postgresql.listen/clients, memcached.listen, app.* from the
// file's `app:` with the commit, cache and migrate_here on app nodes and load balancers (their
// release, for static files), nginx.upstreams/server_name/static_dir, firewall.allow_from and
// open_tcp).
// The app's database and its owner are named as the app (app: name:), unless the fleet's
// attributes name them (database: {name, user}); "" then, or without an app.
std::string AppDatabaseName(const FleetFile& fleet);

nlohmann::json HostAttributes(const FleetFile& fleet, const std::vector<FleetHost>& hosts,
                              const FleetHost& host, const FleetContext& context);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_MODEL_FLEET_LAYOUT_H_
