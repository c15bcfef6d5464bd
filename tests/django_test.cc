// The example Django site (deploy/examples/django) as an operator would run theirs, on real
// local servers (ctest label "fleet"; needs root): a database server, two app nodes and a load
// balancer from the fleet file's `app:` alone. The admin's login page comes with its CSS, served
// by nginx from the files collectstatic collected; Django's own management commands run through
// dmctl app (a superuser, the shell); a row written before a deploy whose commit brings a
// migration is still there after it.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "tests/harness/local_servers_fixture.h"

namespace dm::testing {
namespace {

class DjangoTest : public LocalServersTest {
 protected:
  void SetUp() override {
    LocalServersTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // The example project as the root of a repository of the test's own.
    ProcessResult made = Sh(
        absl::StrCat("mkdir -p ", Path("app"), " && cp -r ", DM_SOURCE_DIR,
                     "/deploy/examples/django/. ", Path("app"), " && cd ", Path("app"),
                     " && git init -q -b main && git -c user.name=t -c user.email=t@t add -A && ",
                     "git -c user.name=t -c user.email=t@t commit -q -m v1 && git rev-parse HEAD"));
    ASSERT_TRUE(made.ok()) << made.output;
  }

  // `dmctl app mysite -- python3 manage.py ARGS...`: stdout, or the failure.
  std::string Manage(std::vector<std::string> args) {
    args.insert(args.begin(), {"app", "mysite", "--", "python3", "manage.py"});
    CommandResult r = Dmctl(args, "", absl::Minutes(2));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return r.out;
  }
};

TEST_F(DjangoTest, TheAdminWithItsCssManagementCommandsAndAMigrationThatKeepsTheRows) {
  const std::string example =
      ReadFile(absl::StrCat(DM_SOURCE_DIR, "/deploy/examples/django.yaml")).value_or("");
  ASSERT_FALSE(example.empty());
  // The example fleet file, with the test's repository at its root.
  std::string text = example;
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{{"repository: ../..", "repository: app"},
                                                        {"path: deploy/examples/django", "path: ."},
                                                        {"revision: HEAD", "revision: main"}}) {
    ASSERT_TRUE(absl::StrContains(text, from)) << from;
    text.replace(text.find(from), from.size(), to);
  }
  const std::string fleet = Path("mysite.yaml");
  ASSERT_TRUE(WriteFileAtomic(fleet, text, 0644).ok());

  // Mostly apt: PostgreSQL, Django, gunicorn and nginx, on four hosts at once.
  CommandResult up = Dmctl({"up", fleet}, "", absl::Minutes(15));
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << AllLogs();
  std::string lb;
  for (const nlohmann::json& s : Servers())
    if (s["role"] == "loadbalancer") lb = s["address"];
  ASSERT_FALSE(lb.empty());
  const std::string url = "http://" + lb + "/";

  // The admin's login page, and its CSS from the load balancer itself (collected per release;
  // nginx's caching header says who served it).
  EXPECT_TRUE(absl::StrContains(Sh("curl -sf -m 10 " + url + "admin/login/").output,
                                "Django administration"));
  ProcessResult css = Sh("curl -sf -m 10 -D - " + url + "static/admin/css/base.css");
  EXPECT_TRUE(absl::StrContains(css.output, "Cache-Control: max-age=3600")) << css.output;
  EXPECT_TRUE(absl::StrContains(css.output, "DJANGO Admin styles")) << "the admin's own stylesheet";

  // Django's management commands, in the app's own environment on an app node.
  Manage({"createsuperuser", "--noinput", "--username", "admin", "--email", "admin@mysite.test"});
  EXPECT_EQ(Manage({"shell", "-c",
                    "from django.contrib.auth.models import User; "
                    "print(User.objects.filter(is_superuser=True).count())"}),
            "1\n");
  Manage({"shell", "-c", "from notes.models import Note; Note.objects.create(text='kept')"});
  EXPECT_TRUE(absl::StrContains(Sh("curl -sf -m 10 " + url).output, "<li>kept</li>"));

  // A commit with a migration: deployed node by node, migrated once, the row still there.
  ProcessResult v2 = Sh(absl::StrCat(
      "cd ", Path("app"),
      " && sed -i 's/    created = models.DateTimeField(auto_now_add=True)/"
      "    created = models.DateTimeField(auto_now_add=True)\\n"
      "    author = models.CharField(max_length=50, default=\"anonymous\")/' notes/models.py && "
      "printf '%s\\n' 'from django.db import migrations, models' '' '' "
      "'class Migration(migrations.Migration):' "
      "'    dependencies = [(\"notes\", \"0001_initial\")]' "
      "'    operations = [migrations.AddField(model_name=\"note\", name=\"author\", "
      "field=models.CharField(default=\"anonymous\", max_length=50))]' "
      "> notes/migrations/0002_note_author.py && "
      "git add -A && git -c user.name=t -c user.email=t@t commit -qm 'v2: who wrote it' && "
      "git rev-parse HEAD"));
  ASSERT_TRUE(v2.ok()) << v2.output;
  CommandResult deploy = Dmctl({"deploy", "mysite"}, "", absl::Minutes(10));
  ASSERT_EQ(deploy.exit_code, 0) << deploy.out << deploy.err;
  EXPECT_EQ(Sh("curl -sf -m 10 " + url + "version").output,
            std::string(absl::StripAsciiWhitespace(v2.output)) + "\n");
  EXPECT_TRUE(absl::StrContains(Sh("curl -sf -m 10 " + url).output, "<li>kept</li>"));
  EXPECT_EQ(Manage({"shell", "-c",
                    "from notes.models import Note; print(Note.objects.get(text='kept').author)"}),
            "anonymous\n")
      << "the migration ran, and kept the row";
  EXPECT_TRUE(absl::StrContains(Manage({"showmigrations", "notes"}), "[X] 0002_note_author"));

  ASSERT_EQ(Dmctl({"down", "mysite", "--yes"}, "", absl::Minutes(2)).exit_code, 0);
}

}  // namespace
}  // namespace dm::testing
