// user: a local account, its groups, and its SSH authorized keys.
//
//   - user: deploy
//     uid: 1500                 # optional
//     group: deploy             # primary group (must exist; default: useradd's choice)
//     groups: [sudo]            # supplementary groups it must be in (others are left alone)
//     home: /home/deploy        # default /home/NAME, created
//     shell: /bin/bash
//     system: false
//     authorized_keys: ["ssh-ed25519 AAAA... ops@laptop"]   # the whole ~/.ssh/authorized_keys
//     action: create            # or remove (the home directory is kept)
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/cookbook/managed_file.h"
#include "agent/cookbook/resources/resource_types.h"
#include "agent/cookbook/resources/user_database.h"
#include "common/files.h"
#include "common/process.h"
#include "common/status_macros.h"

namespace dm::cookbook {
namespace {

struct UserSpec {
  std::optional<int64_t> uid;
  std::optional<std::string> group, home, shell;
  std::vector<std::string> groups;
  bool system = false;
  std::optional<std::vector<std::string>> authorized_keys;
};

class UserResource : public Resource {
 public:
  UserResource(ResourceHeader header, UserSpec spec)
      : Resource(std::move(header)), spec_(std::move(spec)) {}

  absl::StatusOr<Outcome> Perform(const std::string& action, RunContext& context) override {
    const std::string& name = header_.name;
    std::optional<UserEntry> user = LookupUserEntry(name);
    if (action == "remove") {
      if (!user) return Outcome::Unchanged();
      if (!context.dry_run) DM_RETURN_IF_ERROR(RunChecked({"userdel", name}).status());
      return Outcome::Changed({"removed (home kept)"});
    }
    Outcome out;
    if (!user) {
      out.changes.push_back("created");
      if (!context.dry_run) {
        std::vector<std::string> argv = {"useradd", "--create-home"};
        if (spec_.uid) argv.insert(argv.end(), {"--uid", std::to_string(*spec_.uid)});
        if (spec_.group) argv.insert(argv.end(), {"--gid", *spec_.group});
        if (!spec_.groups.empty())
          argv.insert(argv.end(), {"--groups", absl::StrJoin(spec_.groups, ",")});
        if (spec_.home) argv.insert(argv.end(), {"--home-dir", *spec_.home});
        if (spec_.shell) argv.insert(argv.end(), {"--shell", *spec_.shell});
        if (spec_.system) argv.push_back("--system");
        argv.push_back(name);
        DM_RETURN_IF_ERROR(RunChecked(argv).status());
      }
    } else {
      std::vector<std::string> usermod = {"usermod"};
      if (spec_.uid && user->uid != static_cast<uid_t>(*spec_.uid)) {
        out.changes.push_back(absl::StrCat("uid ", user->uid, " -> ", *spec_.uid));
        usermod.insert(usermod.end(), {"--uid", std::to_string(*spec_.uid)});
      }
      if (spec_.group && GroupName(user->gid).value_or("") != *spec_.group &&
          std::to_string(user->gid) != *spec_.group) {
        out.changes.push_back(absl::StrCat("group -> ", *spec_.group));
        usermod.insert(usermod.end(), {"--gid", *spec_.group});
      }
      if (spec_.home && user->home != *spec_.home) {
        out.changes.push_back(absl::StrCat("home ", user->home, " -> ", *spec_.home));
        usermod.insert(usermod.end(), {"--home", *spec_.home, "--move-home"});
      }
      if (spec_.shell && user->shell != *spec_.shell) {
        out.changes.push_back(absl::StrCat("shell ", user->shell, " -> ", *spec_.shell));
        usermod.insert(usermod.end(), {"--shell", *spec_.shell});
      }
      std::vector<std::string> missing;
      for (const std::string& g : spec_.groups) {
        if (std::find(user->groups.begin(), user->groups.end(), g) == user->groups.end())
          missing.push_back(g);
      }
      if (!missing.empty()) {
        out.changes.push_back(absl::StrCat("added to ", absl::StrJoin(missing, ", ")));
        usermod.insert(usermod.end(), {"--append", "--groups", absl::StrJoin(missing, ",")});
      }
      if (usermod.size() > 1 && !context.dry_run) {
        usermod.push_back(name);
        DM_RETURN_IF_ERROR(RunChecked(usermod).status());
      }
    }
    if (spec_.authorized_keys) {
      absl::StatusOr<Outcome> keys = EnsureAuthorizedKeys(context);
      if (!keys.ok()) return keys.status();
      out.changes.insert(out.changes.end(), keys->changes.begin(), keys->changes.end());
      out.diff = keys->diff;
    }
    out.changed = !out.changes.empty();
    return out;
  }

 private:
  // HOME/.ssh (0700) and HOME/.ssh/authorized_keys (0600), owned by the user.
  absl::StatusOr<Outcome> EnsureAuthorizedKeys(RunContext& context) {
    std::optional<UserEntry> user = LookupUserEntry(header_.name);
    if (!user) return Outcome::Changed({"authorized_keys written"});  // dry run of a new user
    std::string ssh_dir = user->home + "/.ssh";
    Outcome out;
    if (!PathExists(ssh_dir)) {
      out.changes.push_back("~/.ssh created");
      if (!context.dry_run) {
        DM_RETURN_IF_ERROR(MakeDirectories(ssh_dir, 0700));
        if (::chown(ssh_dir.c_str(), user->uid, user->gid) != 0)
          return ErrnoStatus("chown", ssh_dir, errno);
      }
    }
    ManagedFile file;
    file.path = ssh_dir + "/authorized_keys";
    file.ownership.owner = std::to_string(user->uid);
    file.ownership.group = std::to_string(user->gid);
    file.ownership.mode = 0600;
    file.backup = false;
    std::string content =
        spec_.authorized_keys->empty() ? "" : absl::StrJoin(*spec_.authorized_keys, "\n") + "\n";
    if (!PathExists(ssh_dir)) return Outcome::Changed({"authorized_keys written"});  // dry run
    absl::StatusOr<Outcome> keys = EnsureFileContent(file, content, context);
    if (!keys.ok()) return keys.status();
    for (const std::string& c : keys->changes) out.changes.push_back("authorized_keys " + c);
    out.diff = keys->diff;
    out.changed = !out.changes.empty();
    return out;
  }

  UserSpec spec_;
};

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields, const CookbookFiles&) {
  UserSpec spec;
  spec.uid = fields.Integer("uid", 0, 4294967294);
  spec.group = fields.String("group");
  spec.groups = fields.StringList("groups");
  spec.home = fields.String("home");
  spec.shell = fields.String("shell");
  spec.system = fields.Bool("system", false);
  if (fields.Raw("authorized_keys")) spec.authorized_keys = fields.StringList("authorized_keys");
  if (!ValidAccountName(header.name))
    fields.Error("", "is not a valid user name (lower case, digits, _ - .)");
  for (const std::string& g : spec.groups) {
    if (!ValidAccountName(g))
      fields.Error("groups", absl::StrCat("'", g, "' is not a valid group name"));
  }
  if (spec.home && (*spec.home)[0] != '/') fields.Error("home", "must be an absolute path");
  if (spec.authorized_keys) {
    for (const std::string& key : *spec.authorized_keys) {
      if (key.find('\n') != std::string::npos)
        fields.Error("authorized_keys", "one key per list item");
    }
  }
  return std::make_unique<UserResource>(std::move(header), std::move(spec));
}

}  // namespace

ResourceType UserType() { return {"user", {"create", "remove"}, &Parse}; }

}  // namespace dm::cookbook
