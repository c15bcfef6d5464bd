// package: Debian packages through apt and dpkg.
//
//   - package: web server
//     packages: [nginx, curl]       # several in one apt call; default: the resource's name
//     version: "1.22.1-9"           # pin (one package only)
//     action: install               # install (default), upgrade, remove, purge
//     lock_timeout: 300             # seconds to wait for another apt/dpkg holding its lock
//
// apt runs with DEBIAN_FRONTEND=noninteractive, keeps existing configuration files on upgrade,
// and installs no recommended packages unless `recommends: true`. When apt does not know a
// package yet, its lists are refreshed once and the install tried again; when an earlier install
// was cut short (dpkg killed half-way), `dpkg --configure -a` finishes it first.
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "agent/cookbook/resources/resource_types.h"
#include "common/process.h"

namespace dm::cookbook {
namespace {

struct PackageState {
  bool installed = false;
  std::string version;
};

class PackageResource : public Resource {
 public:
  PackageResource(ResourceHeader header, std::vector<std::string> packages, std::string version,
                  bool recommends, absl::Duration lock_timeout)
      : Resource(std::move(header)),
        packages_(std::move(packages)),
        version_(std::move(version)),
        recommends_(recommends),
        lock_timeout_(lock_timeout) {}

  absl::StatusOr<Outcome> Perform(const std::string& action, RunContext& context) override {
    absl::StatusOr<std::map<std::string, PackageState>> state = Query();
    if (!state.ok()) return state.status();
    std::vector<std::string> todo;
    std::vector<std::string> changes;
    for (const std::string& p : packages_) {
      const PackageState& s = (*state)[p];
      if (action == "remove" || action == "purge") {
        if (s.installed)
          todo.push_back(p), changes.push_back(absl::StrCat(action, " ", p, " ", s.version));
      } else if (!s.installed) {
        todo.push_back(Spec(p));
        changes.push_back(absl::StrCat("install ", Spec(p)));
      } else if (!version_.empty() && s.version != version_) {
        todo.push_back(Spec(p));
        changes.push_back(absl::StrCat(p, " ", s.version, " -> ", version_));
      } else if (action == "upgrade") {
        absl::StatusOr<std::string> candidate = Candidate(p);
        if (!candidate.ok()) return candidate.status();
        if (!candidate->empty() && *candidate != s.version) {
          todo.push_back(p);
          changes.push_back(absl::StrCat(p, " ", s.version, " -> ", *candidate));
        }
      }
    }
    if (todo.empty()) return Outcome::Unchanged();
    Outcome out = Outcome::Changed(changes);
    if (context.dry_run) return out;
    std::vector<std::string> argv =
        AptGet(action == "remove" || action == "purge" ? action : "install");
    argv.insert(argv.end(), todo.begin(), todo.end());
    absl::StatusOr<ProcessResult> result = Apt(argv);
    if (result.ok() && !result->ok() && absl::StrContains(result->output, "dpkg was interrupted")) {
      // An install cut short (the agent or the host killed mid-dpkg): apt refuses everything
      // until dpkg finishes configuring what it had unpacked. Done once, then tried again.
      absl::StatusOr<ProcessResult> finished = Apt({"dpkg", "--configure", "-a"});
      if (finished.ok() && finished->ok()) result = Apt(argv);
    }
    if (result.ok() && !result->ok() &&
        absl::StrContains(result->output, "Unable to locate package")) {
      // A fresh host, or a package newer than the lists: refresh them once and try again.
      absl::StatusOr<ProcessResult> update = Apt(AptGet("update"));
      if (update.ok() && update->ok()) result = Apt(argv);
    }
    if (!result.ok()) return result.status();
    out.output = result->output;
    if (!result->ok()) {
      return absl::AbortedError(absl::StrCat("apt-get ", action, " ", absl::StrJoin(todo, " "),
                                             ": ", result->Describe(), "\n", Tail(result->output)));
    }
    return out;
  }

 private:
  std::string Spec(const std::string& p) const {
    return version_.empty() ? p : absl::StrCat(p, "=", version_);
  }

  static std::string Tail(const std::string& text) {
    return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
  }

  std::vector<std::string> AptGet(const std::string& verb) const {
    std::vector<std::string> argv = {
        "apt-get",
        "-q",
        "-y",
        absl::StrCat("-oDPkg::Lock::Timeout=", absl::ToInt64Seconds(lock_timeout_)),
        "-oDpkg::Options::=--force-confold",
        "-oDpkg::Options::=--force-confdef"};
    if (verb == "install" && !recommends_) argv.push_back("--no-install-recommends");
    if (verb == "install" && !version_.empty()) argv.push_back("--allow-downgrades");
    argv.push_back(verb);
    return argv;
  }

  absl::StatusOr<ProcessResult> Apt(const std::vector<std::string>& argv) const {
    ProcessSpec spec;
    spec.argv = argv;
    spec.env = {{"DEBIAN_FRONTEND", "noninteractive"}, {"APT_LISTCHANGES_FRONTEND", "none"}};
    spec.timeout = lock_timeout_ + absl::Minutes(30);
    return RunProcess(spec);
  }

  // Installed state of every package of this resource, in one dpkg-query.
  absl::StatusOr<std::map<std::string, PackageState>> Query() const {
    ProcessSpec spec;
    spec.argv = {"dpkg-query", "-W", "-f=${Package}\t${db:Status-Abbrev}\t${Version}\n"};
    spec.argv.insert(spec.argv.end(), packages_.begin(), packages_.end());
    absl::StatusOr<ProcessResult> result = RunProcess(spec);
    if (!result.ok()) return result.status();
    std::map<std::string, PackageState> state;
    // Exit 1 with "no packages found matching X" for packages dpkg has never seen: not installed.
    for (absl::string_view line : absl::StrSplit(result->output, '\n', absl::SkipEmpty())) {
      std::vector<std::string> fields = absl::StrSplit(line, '\t');
      if (fields.size() != 3) continue;
      // "ii " is installed; "rc " (removed, config left) and others are not.
      state[fields[0]] = {absl::StartsWith(fields[1], "ii"), fields[2]};
    }
    return state;
  }

  // The version apt would install, "" if none.
  static absl::StatusOr<std::string> Candidate(const std::string& package) {
    ProcessSpec spec;
    spec.argv = {"apt-cache", "policy", package};
    absl::StatusOr<ProcessResult> result = RunProcess(spec);
    if (!result.ok()) return result.status();
    for (absl::string_view line : absl::StrSplit(result->output, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (absl::ConsumePrefix(&line, "Candidate:")) {
        std::string v(absl::StripAsciiWhitespace(line));
        return v == "(none)" ? "" : v;
      }
    }
    return std::string();
  }

  std::vector<std::string> packages_;
  std::string version_;
  bool recommends_;
  absl::Duration lock_timeout_;
};

bool ValidPackageName(const std::string& name) {
  if (name.empty() || name[0] == '-') return false;
  for (char c : name) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '-' || c == ':'))
      return false;
  }
  return true;
}

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields, const CookbookFiles&) {
  std::vector<std::string> packages = fields.StringList("packages");
  if (packages.empty()) packages.push_back(header.name);
  for (const std::string& p : packages) {
    // Names become apt arguments: nothing that apt could read as an option.
    if (!ValidPackageName(p))
      fields.Error(fields.Raw("packages") ? "packages" : "",
                   absl::StrCat("'", p, "' is not a Debian package name"));
  }
  std::string version = fields.String("version").value_or("");
  if (!version.empty() && packages.size() > 1)
    fields.Error("version", "pins one package; list pinned packages separately");
  bool recommends = fields.Bool("recommends", false);
  absl::Duration lock_timeout = fields.Seconds("lock_timeout").value_or(absl::Minutes(5));
  return std::make_unique<PackageResource>(std::move(header), std::move(packages),
                                           std::move(version), recommends, lock_timeout);
}

}  // namespace

ResourceType PackageType() {
  return {"package", {"install", "upgrade", "remove", "purge"}, &Parse};
}

}  // namespace dm::cookbook
