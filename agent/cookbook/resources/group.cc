// group: a local group, and members it must have (others are left alone).
//
//   - group: deploy
//     gid: 1500          # optional
//     members: [alice]   # optional: added when missing
//     system: false
//     action: create     # or remove
#include <grp.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "agent/cookbook/resources/resource_types.h"
#include "agent/cookbook/resources/user_database.h"
#include "common/process.h"
#include "common/status_macros.h"

namespace dm::cookbook {
namespace {

class GroupResource : public Resource {
 public:
  GroupResource(ResourceHeader header, std::optional<int64_t> gid, std::vector<std::string> members,
                bool system)
      : Resource(std::move(header)), gid_(gid), members_(std::move(members)), system_(system) {}

  absl::StatusOr<Outcome> Perform(const std::string& action, RunContext& context) override {
    std::optional<GroupEntry> group = LookupGroupEntry(header_.name);
    if (action == "remove") {
      if (!group) return Outcome::Unchanged();
      Outcome out = Outcome::Changed({"removed"});
      if (context.dry_run) return out;
      DM_RETURN_IF_ERROR(RunChecked({"groupdel", header_.name}).status());
      return out;
    }
    Outcome out;
    if (!group) {
      out.changes.push_back(gid_ ? absl::StrCat("created with gid ", *gid_) : "created");
      if (!context.dry_run) {
        std::vector<std::string> argv = {"groupadd"};
        if (gid_) argv.insert(argv.end(), {"-g", std::to_string(*gid_)});
        if (system_) argv.push_back("-r");
        argv.push_back(header_.name);
        DM_RETURN_IF_ERROR(RunChecked(argv).status());
      }
    } else if (gid_ && group->gid != static_cast<gid_t>(*gid_)) {
      out.changes.push_back(absl::StrCat("gid ", group->gid, " -> ", *gid_));
      if (!context.dry_run)
        DM_RETURN_IF_ERROR(
            RunChecked({"groupmod", "-g", std::to_string(*gid_), header_.name}).status());
    }
    for (const std::string& member : members_) {
      bool present = group && std::find(group->members.begin(), group->members.end(), member) !=
                                  group->members.end();
      if (present) continue;
      out.changes.push_back(absl::StrCat("member ", member, " added"));
      if (!context.dry_run)
        DM_RETURN_IF_ERROR(RunChecked({"gpasswd", "-a", member, header_.name}).status());
    }
    out.changed = !out.changes.empty();
    return out;
  }

 private:
  std::optional<int64_t> gid_;
  std::vector<std::string> members_;
  bool system_;
};

std::unique_ptr<Resource> Parse(ResourceHeader header, FieldReader& fields, const CookbookFiles&) {
  std::optional<int64_t> gid = fields.Integer("gid", 0, 4294967294);
  std::vector<std::string> members = fields.StringList("members");
  bool system = fields.Bool("system", false);
  if (!ValidAccountName(header.name)) fields.Error("", "is not a valid group name");
  for (const std::string& m : members) {
    if (!ValidAccountName(m))
      fields.Error("members", absl::StrCat("'", m, "' is not a valid user name"));
  }
  return std::make_unique<GroupResource>(std::move(header), gid, std::move(members), system);
}

}  // namespace

ResourceType GroupType() { return {"group", {"create", "remove"}, &Parse}; }

}  // namespace dm::cookbook
