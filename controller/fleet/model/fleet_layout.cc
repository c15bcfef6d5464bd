#include "controller/fleet/model/fleet_layout.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/attributes.h"
#include "common/http/url.h"

namespace dm {
namespace {

// The ports the shipped cookbooks serve on (their attributes' defaults).
constexpr int kMemcachedPort = 11211;
constexpr int kRedisPort = 6379;
constexpr int kJournalRemotePort = 19532;  // systemd-journal-remote's own

// Sets "a.b.c" to `value`, making the maps on the way.
void Set(nlohmann::json& attributes, const std::string& dotted_key, nlohmann::json value) {
  nlohmann::json* at = &attributes;
  for (absl::string_view part : absl::StrSplit(dotted_key, '.')) {
    if (!at->is_object()) *at = nlohmann::json::object();
    at = &(*at)[std::string(part)];
  }
  *at = std::move(value);
}

std::vector<const FleetHost*> Serving(const std::vector<FleetHost>& hosts, Service s) {
  std::vector<const FleetHost*> out;
  for (const FleetHost& h : hosts) {
    if (h.Provides(s)) out.push_back(&h);
  }
  return out;
}

// Where the fleet's other hosts reach `host`: its private address, when its provider has a
// private network.
const std::string& Wired(const FleetHost& host) {
  return host.private_address.empty() ? host.address : host.private_address;
}

// Where `host` reaches `other`: itself over loopback, others at their (private) address.
std::string Reach(const FleetHost& host, const FleetHost& other) {
  return host.name == other.name ? "127.0.0.1" : Wired(other);
}

// The addresses of `hosts` other than `self`, for firewall and pg_hba rules; loopback when none
// (an empty set is not a valid nftables rule, and loopback admits nobody new).
std::vector<std::string> Others(const std::vector<const FleetHost*>& hosts, const FleetHost& self) {
  std::vector<std::string> out;
  for (const FleetHost* h : hosts) {
    if (h->name != self.name && !Wired(*h).empty()) out.push_back(Wired(*h));
  }
  return out;
}

// pip's options for the app's index and wheels. A wheel folder alone means no index: this
// host may reach none.
std::string PipOptions(const FleetApp& app, const std::string& commit) {
  std::vector<std::string> options;
  // pip refuses a plain-HTTP source unless its host is named trusted: the fleet file's http://
  // says so (an index on the operator's own network; https is what to use across others).
  auto trust_if_plain = [&](const std::string& url) {
    if (!absl::StartsWith(url, "http://")) return;
    absl::string_view host = absl::string_view(url).substr(7);
    host = host.substr(0, host.find('/'));
    options.push_back(absl::StrCat("--trusted-host ", host.substr(0, host.find(':'))));
  };
  if (!app.pip_index.empty()) {
    options.push_back("--index-url " + app.pip_index);
    trust_if_plain(app.pip_index);
  }
  if (!app.pip_find_links.empty()) {
    const bool url = IsHttpUrl(app.pip_find_links);
    options.push_back(absl::StrCat(
        "--find-links ", url ? "" : absl::StrCat("/srv/", app.name, "/releases/", commit, "/"),
        app.pip_find_links));
    if (url) trust_if_plain(app.pip_find_links);
    if (app.pip_index.empty()) options.push_back("--no-index");
  }
  return absl::StrJoin(options, " ");
}

// What the app cookbook needs of the fleet file's `app:` (deploy/cookbooks/app).
void SetAppAttributes(const FleetApp& app, const std::string& commit, const FleetContext& context,
                      nlohmann::json* a) {
  Set(*a, "app.name", app.name);
  Set(*a, "app.root", "/srv/" + app.name);
  Set(*a, "app.repository", context.app_repository);
  Set(*a, "app.revision", commit);
  Set(*a, "app.path", app.path);
  Set(*a, "app.asgi", app.server == "uvicorn");
  Set(*a, "app.entry", app.entry);
  Set(*a, "app.workers", std::to_string(app.workers));
  Set(*a, "app.port", std::to_string(app.port));
  Set(*a, "app.health", app.health);
  // What runs it, then what it asked for.
  nlohmann::json packages = {"git", "python3", "python3-venv",
                             app.server == "uvicorn" ? "python3-uvicorn" : "gunicorn"};
  for (const std::string& p : app.packages) packages.push_back(p);
  Set(*a, "app.packages", packages);
  Set(*a, "app.requirements", app.requirements);
  Set(*a, "app.pip_options", PipOptions(app, commit));
  Set(*a, "app.migrate", app.migrate);
  Set(*a, "app.collectstatic", app.collectstatic);
  Set(*a, "app.static", app.static_dir);
  Set(*a, "app.worker", app.worker);
  // One script: the first command that fails stops the rest, and fails the deploy.
  Set(*a, "app.release",
      app.release.empty() ? "" : absl::StrCat("set -e\n", absl::StrJoin(app.release, "\n")));
  nlohmann::json env = nlohmann::json::array();
  for (const FleetAppVariable& v : app.env) {
    std::string value = v.value;
    if (!v.secret.empty()) {
      auto secret = context.secrets.find(v.secret);
      value = secret == context.secrets.end() ? "" : secret->second;
    }
    env.push_back({{"name", v.name}, {"value", value}});
  }
  Set(*a, "app.env", env);
}

// Where the app finds its cache (and, with Redis, its task broker): DM_CACHE (host:port, as the
// guestbook reads it), DM_CACHE_URL and DM_BROKER_URL. `cache_host` "": the fleet has no cache.
void SetCacheAttributes(const FleetFile& fleet, const std::string& cache_host,
                        const FleetContext& context, nlohmann::json* a) {
  if (cache_host.empty()) {
    Set(*a, "app.cache", "");
    Set(*a, "app.cache_url", "");
    Set(*a, "app.broker_url", "");
    return;
  }
  if (fleet.cache == "redis") {
    // Redis asks for the fleet's redis.password when the fleet file declares that secret.
    auto password = context.secrets.find("redis.password");
    std::string login = password == context.secrets.end() ? "" : ":" + password->second + "@";
    std::string base = absl::StrCat("redis://", login, cache_host, ":", kRedisPort);
    Set(*a, "app.cache", absl::StrCat(cache_host, ":", kRedisPort));
    // Separate databases, so that clearing the cache never drops a queued task.
    Set(*a, "app.cache_url", base + "/0");
    Set(*a, "app.broker_url", base + "/1");
  } else {
    Set(*a, "app.cache", absl::StrCat(cache_host, ":", kMemcachedPort));
    Set(*a, "app.cache_url", absl::StrCat("memcached://", cache_host, ":", kMemcachedPort));
    Set(*a, "app.broker_url", "");
  }
}

}  // namespace

bool FleetHost::Provides(Service s) const {
  return std::find(provides.begin(), provides.end(), s) != provides.end();
}

int FleetHost::stage() const {
  int stage = 0;
  for (Service s : provides) {
    switch (s) {
      case Service::kDatabase:
      case Service::kLogs:  // first: the others send their journals to it from the start
        stage = std::max(stage, 0);
        break;
      case Service::kCache:
        stage = std::max(stage, 1);
        break;
      case Service::kApp:
      case Service::kTasks:
        stage = std::max(stage, 2);
        break;
      case Service::kLoadBalancer:
        stage = std::max(stage, 3);
        break;
    }
  }
  return stage;
}

std::vector<FleetHost> DesiredHosts(const FleetFile& fleet) {
  std::vector<FleetHost> hosts;
  for (const FleetRole& role : fleet.roles) {
    for (int i = 1; i <= role.count; ++i) {
      FleetHost host;
      host.name = FleetServerName(fleet.name, role.role, i);
      if (auto replaced = fleet.server_names.find(host.name); replaced != fleet.server_names.end())
        host.name = replaced->second;
      host.role = role.role;
      host.index = i;
      host.provides = role.provides;
      hosts.push_back(std::move(host));
    }
  }
  return hosts;
}

nlohmann::json HostAttributes(const FleetFile& fleet, const std::vector<FleetHost>& hosts,
                              const FleetHost& host, const FleetContext& context) {
  nlohmann::json a = fleet.attributes.is_object() ? fleet.attributes : nlohmann::json::object();
  // The secrets reach the hosts that use them, not a load balancer or a lognode alone: the
  // fleet's public face keeps no database password. (A balancer's release of the app still gets
  // the app's env, whose secrets are resolved into app.env.)
  const bool uses_secrets = host.Provides(Service::kApp) || host.Provides(Service::kDatabase) ||
                            host.Provides(Service::kCache) || host.Provides(Service::kTasks);
  if (uses_secrets) {
    for (const auto& [attribute, value] : context.secrets) Set(a, attribute, value);
  }

  const std::vector<const FleetHost*> databases = Serving(hosts, Service::kDatabase);
  const std::vector<const FleetHost*> caches = Serving(hosts, Service::kCache);
  const std::vector<const FleetHost*> apps = Serving(hosts, Service::kApp);
  const std::vector<const FleetHost*> workers = Serving(hosts, Service::kTasks);
  const std::vector<const FleetHost*> balancers = Serving(hosts, Service::kLoadBalancer);
  // Who uses the database and the cache: the app nodes and the task nodes.
  std::vector<const FleetHost*> app_code = apps;
  app_code.insert(app_code.end(), workers.begin(), workers.end());
  auto with_loopback = [](std::vector<std::string> addresses) {
    return addresses.empty() ? std::vector<std::string>{"127.0.0.1"} : addresses;
  };

  if (!databases.empty()) Set(a, "database.host", Reach(host, *databases.front()));
  if (std::string name = AppDatabaseName(fleet); !name.empty()) {
    Set(a, "database.name", name);
    Set(a, "database.user", name);
  }
  if (host.Provides(Service::kDatabase)) {
    std::vector<std::string> clients = Others(app_code, host);
    // Listen on the private address only when another host needs it.
    Set(a, "postgresql.listen",
        clients.empty() ? "localhost" : absl::StrCat("localhost,", Wired(host)));
    std::vector<std::string> cidrs = {"127.0.0.1/32"};
    for (const std::string& c : clients) cidrs.push_back(c + "/32");
    Set(a, "postgresql.clients", cidrs);
    // Tuned from the host's memory: a quarter for shared buffers (PostgreSQL's own advice for a
    // dedicated server), an eighth when the host runs the app too, at most 8 GB (more rarely
    // helps); unless the file says.
    auto memory = context.memory_bytes.find(host.name);
    if (memory != context.memory_bytes.end() && memory->second > 0 &&
        !(fleet.attributes.contains("postgresql") &&
          fleet.attributes["postgresql"].contains("shared_buffers"))) {
      uint64_t share = host.Provides(Service::kApp) ? 8 : 4;
      uint64_t megabytes = std::clamp<uint64_t>(memory->second / share >> 20, 32, 8192);
      Set(a, "postgresql.shared_buffers", absl::StrCat(megabytes, "MB"));
    }
  }
  Set(a, "cache.server", fleet.cache);
  if (host.Provides(Service::kCache)) {
    std::vector<std::string> clients = Others(app_code, host);
    Set(a, "memcached.listen",
        clients.empty() ? "127.0.0.1" : absl::StrCat("127.0.0.1,", Wired(host)));
    Set(a, "redis.listen", clients.empty() ? "127.0.0.1" : absl::StrCat("127.0.0.1 ", Wired(host)));
    if (!host.Provides(Service::kApp) && !host.Provides(Service::kLoadBalancer)) {
      Set(a, "firewall.open_tcp",
          std::to_string(fleet.cache == "redis" ? kRedisPort : kMemcachedPort));
    }
  }
  // The app's release (the app-release cookbook): app nodes run it, load balancers serve its
  // static files. Its commit is the host's own during a rolling deploy (a balancer moves once
  // every app node has), else the fleet's.
  if (!fleet.app.repository.empty() &&
      (host.Provides(Service::kApp) || host.Provides(Service::kLoadBalancer) ||
       host.Provides(Service::kTasks))) {
    auto own = context.host_commits.find(host.name);
    SetAppAttributes(fleet.app,
                     own != context.host_commits.end() ? own->second : context.app_commit, context,
                     &a);
    // One app node runs the migrations and release commands of a deploy: the first.
    Set(a, "app.migrate_here", !apps.empty() && apps.front()->name == host.name ? "yes" : "no");
  }
  if (host.Provides(Service::kApp) || host.Provides(Service::kTasks)) {
    SetCacheAttributes(fleet, caches.empty() ? "" : Reach(host, *caches.front()), context, &a);
    // The media store's credentials: for the code that serves and handles uploads only.
    for (const auto& [name, value] : context.media_env)
      a["app"]["env"].push_back({{"name", name}, {"value", value}});
  }
  if (host.Provides(Service::kApp)) {
    // Its own port, for the load balancers and the controller's checks (not on a combined host:
    // its balancer is on loopback and serves the public).
    if (!host.Provides(Service::kLoadBalancer))
      Set(a, "firewall.open_tcp", std::to_string(fleet.app.port));
  }
  if (host.Provides(Service::kLoadBalancer)) {
    std::vector<std::string> upstreams;
    for (const FleetHost* app : apps) {
      if (!context.drained.count(app->name))
        upstreams.push_back(absl::StrCat(Reach(host, *app), ":", fleet.app.port));
    }
    // Never none: nginx refuses an empty upstream, and a drained node may still answer some.
    if (upstreams.empty()) {
      for (const FleetHost* app : apps)
        upstreams.push_back(absl::StrCat(Reach(host, *app), ":", fleet.app.port));
    }
    Set(a, "nginx.upstreams", upstreams);
    Set(a, "nginx.server_name", absl::StrCat(fleet.domain, " www.", fleet.domain));
    Set(a, "nginx.maintenance", context.maintenance);
    // The app's static files, from this host's release of the app (above).
    if (!fleet.app.repository.empty()) {
      // Through the `current` link, which moves the moment the release is complete (a path
      // with the commit would wait for nginx's reload).
      Set(a, "nginx.serve_static", !fleet.app.static_dir.empty());
      Set(a, "nginx.static_dir",
          absl::StrCat("/srv/", fleet.app.name, "/current/", fleet.app.path, "/",
                       fleet.app.static_dir));
    }
  }
  // The fleet's journals: every other host sends its own to the lognode, over TLS (each host's
  // certificate, and the lognode's, come from the controller's CA at converge time). The lognode
  // serves the fleet's hosts only, and nothing else.
  const std::vector<const FleetHost*> collectors = Serving(hosts, Service::kLogs);
  const bool sends_logs = !collectors.empty() && !host.Provides(Service::kLogs);
  Set(a, "logs.cookbook", sends_logs ? "journal-upload" : "");
  Set(a, "logs.url",
      sends_logs ? absl::StrCat("https://", Wired(*collectors.front()), ":", kJournalRemotePort)
                 : "");
  if (host.Provides(Service::kLogs)) {
    std::vector<std::string> senders;
    for (const FleetHost& h : hosts)
      if (h.name != host.name && !Wired(h).empty()) senders.push_back(Wired(h));
    Set(a, "firewall.open_tcp", std::to_string(kJournalRemotePort));
    Set(a, "firewall.allow_from", absl::StrJoin(with_loopback(senders), ", "));
    return a;
  }
  // Who may reach the ports the role opens. A load balancer serves everyone (its role says so);
  // everything else serves only the hosts of this fleet that use it.
  if (!host.Provides(Service::kLoadBalancer)) {
    std::vector<std::string> allowed;
    if (host.Provides(Service::kDatabase) || host.Provides(Service::kCache))
      allowed = Others(app_code, host);
    if (host.Provides(Service::kApp)) {
      for (const std::string& lb : Others(balancers, host)) allowed.push_back(lb);
      if (!context.controller_address.empty()) allowed.push_back(context.controller_address);
    }
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    Set(a, "firewall.allow_from", absl::StrJoin(with_loopback(allowed), ", "));
  }
  return a;
}

std::string AppDatabaseName(const FleetFile& fleet) {
  const bool named = fleet.attributes.contains("database") &&
                     fleet.attributes["database"].is_object() &&
                     (fleet.attributes["database"].contains("name") ||
                      fleet.attributes["database"].contains("user"));
  return named || fleet.app.repository.empty() ? "" : fleet.app.name;
}

}  // namespace dm
