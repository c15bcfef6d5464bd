// The example Django site (deploy/examples/django) as an operator would run theirs, on real
// local servers (ctest label "fleet"; needs root): a lognode, a database server, Redis on a cache
// node, two app nodes, a task node running Celery and a load balancer, from the fleet file alone,
// with the uploads in a real OpenStack Swift (its S3 API). The admin's login page comes with its
// CSS, served by nginx from the files collectstatic collected; a file uploaded through one app node
// comes back from the other; a task enqueued by a page is done by the task node, whose logs stay on
// the lognode once its server is destroyed; Django's own management commands run through dmctl app
// (a superuser, the shell); a row written before a deploy whose commit brings a migration is still
// there after it; every server destroyed and the upload lost, `up --restore latest` brings the rows
// and the file back from a backup.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "tests/harness/local_servers_fixture.h"
#include "tests/harness/local_swift.h"

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
    // The media store: Swift's proxy on the servers' bridge, named `media` in the controller's
    // --providers file, as the example fleet file expects.
    ASSERT_TRUE(LocalSwift::Installed()) << "Debian's swift servers: run scripts/install-deps";
    absl::Status swift = swift_.Start(subnet_ + ".1");
    ASSERT_TRUE(swift.ok()) << swift;
    const std::string providers = Path("providers.yaml");
    ASSERT_TRUE(
        WriteFileAtomic(
            providers,
            absl::StrCat("storage:\n  - name: media\n    type: s3\n"
                         "    endpoint: ",
                         swift_.endpoint(), "\n    bucket: mysite-media\n", "    access_key: ",
                         LocalSwift::kUser, "\n    secret_key: ", LocalSwift::kKey, "\n",
                         // The same Swift through its own API.
                         "  - name: swift\n    type: swift\n    auth_url: ", swift_.endpoint(),
                         "/auth/v1.0\n    user: ", LocalSwift::kUser,
                         "\n    key: ", LocalSwift::kKey, "\n    container: solo-media\n"),
            0600)
            .ok());
    RestartController({"--providers", providers});
  }

  // POSTs as a browser would: the CSRF cookie from the front page, its token in a header.
  ProcessResult Post(const std::string& base, const std::string& path, const std::string& form) {
    const std::string jar = Path("cookies");
    Sh(absl::StrCat("curl -sf -m 10 -c ", jar, " -o /dev/null ", base));
    return Sh(absl::StrCat("curl -sf -m 30 -b ", jar,
                           " -H \"X-CSRFToken: $(awk '$6 == \"csrftoken\" ", "{print $7}' ", jar,
                           ")\" ", form, " ", base, path));
  }

  // curl ARGS on the Swift account's URL + PATH, with a TempAuth token (Swift's native API).
  ProcessResult SwiftApi(const std::string& args, const std::string& path) {
    return Sh(absl::StrCat("auth=$(curl -sf -m 10 -D - -o /dev/null -H 'X-Auth-User: ",
                           LocalSwift::kUser, "' -H 'X-Auth-Key: ", LocalSwift::kKey, "' ",
                           swift_.endpoint(), "/auth/v1.0 | tr -d '\\r') && curl -sf -m 10 ", args,
                           " -H \"X-Auth-Token: $(echo \"$auth\" | ",
                           "sed -n 's/^[Xx]-[Aa]uth-[Tt]oken: //p')\" \"$(echo \"$auth\" | sed -n ",
                           "'s/^[Xx]-[Ss]torage-[Uu]rl: //p')", path, "\""));
  }

  LocalSwift swift_;

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

  // Mostly apt: PostgreSQL, Redis, Django, Celery, gunicorn and nginx, on seven hosts.
  CommandResult up = Dmctl({"up", fleet}, "", absl::Minutes(15));
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << AllLogs();
  std::string lb;
  std::vector<std::string> app_nodes;
  for (const nlohmann::json& s : Servers()) {
    if (s["role"] == "loadbalancer") lb = s["address"];
    if (s["role"] == "appnode") app_nodes.push_back(s["address"]);
  }
  ASSERT_FALSE(lb.empty());
  ASSERT_EQ(app_nodes.size(), 2u);
  const std::string url = "http://" + lb + "/";

  // The admin's login page, and its CSS from the load balancer itself (collected per release;
  // nginx's caching header says who served it).
  EXPECT_TRUE(absl::StrContains(Sh("curl -sf -m 10 " + url + "admin/login/").output,
                                "Django administration"));
  ProcessResult css = Sh("curl -sf -m 10 -D - " + url + "static/admin/css/base.css");
  EXPECT_TRUE(absl::StrContains(css.output, "Cache-Control: max-age=3600")) << css.output;
  EXPECT_TRUE(absl::StrContains(css.output, "DJANGO Admin styles")) << "the admin's own stylesheet";
  EXPECT_EQ(InServer("mysite-loadbalancer-1",
                     "stat -c %U /srv/mysite/current/collected/admin/css/base.css")
                .output,
            "root\n")
      << "collected by the app, then root's: the app cannot change what nginx serves";

  // A file uploaded through the first app node comes back from the second: both read the store.
  ASSERT_TRUE(WriteFileAtomic(Path("hello.txt"), "hello from the fleet\n", 0644).ok());
  ProcessResult uploaded =
      Post("http://" + app_nodes[0] + ":8000/", "uploads", "-F file=@" + Path("hello.txt"));
  ASSERT_TRUE(uploaded.ok()) << uploaded.output << AllLogs();
  const std::string download(absl::StripAsciiWhitespace(uploaded.output));
  ASSERT_TRUE(absl::StartsWith(download, "/uploads/")) << download;
  ProcessResult back = Sh("curl -sf -m 10 -D - http://" + app_nodes[1] + ":8000" + download);
  EXPECT_TRUE(absl::StrContains(back.output, "hello from the fleet")) << back.output;
  EXPECT_TRUE(absl::StrContains(back.output, "X-Served-By: mysite-appnode-2")) << back.output;
  EXPECT_TRUE(
      absl::StrContains(Sh("curl -sf -m 10 " + url.substr(0, url.size() - 1) + download).output,
                        "hello from the fleet"))
      << "and through the load balancer";
  // In the store (Swift's own API sees what its S3 API took), under the fleet's prefix.
  const std::string listed = SwiftApi("", "/mysite-media?prefix=mysite/media/uploads/").output;
  EXPECT_TRUE(absl::StartsWith(listed, "mysite/media/uploads/hello")) << listed;

  // A page enqueues a task; the task node's Celery worker does it, through Redis.
  ProcessResult enqueued = Post(url, "jobs", "-d text=one+two+three");
  ASSERT_TRUE(enqueued.ok()) << enqueued.output;
  const std::string job(absl::StripAsciiWhitespace(enqueued.output));
  nlohmann::json result;
  for (int i = 0; i < 60; ++i) {
    result = nlohmann::json::parse(
        Sh("curl -sf -m 10 " + url.substr(0, url.size() - 1) + job).output, nullptr, false);
    if (result.is_object() && result.value("done", false)) break;
    absl::SleepFor(absl::Seconds(1));
  }
  ASSERT_TRUE(result.is_object()) << job;
  EXPECT_EQ(result.value("words", 0), 3) << result.dump();
  EXPECT_EQ(result.value("worker", ""), "mysite-tasknode-1") << result.dump();

  // The lognode holds every host's journal: the task node's worker says it was ready, and still
  // does once scaling to no task node has destroyed its server.
  auto worker_logged = [&] {
    CommandResult logs = Dmctl({"logs", "mysite", "-n", "400"}, "", absl::Minutes(1));
    return absl::StrContains(logs.out, "mysite-tasknode-1 | ") &&
           absl::StrContains(logs.out, "celery@mysite-tasknode-1 ready");
  };
  bool logged = false;
  for (int i = 0; i < 30 && !(logged = worker_logged()); ++i) absl::SleepFor(absl::Seconds(2));
  EXPECT_TRUE(logged) << Dmctl({"logs", "mysite", "-n", "400"}).out;
  CommandResult no_workers = Dmctl({"scale", fleet, "tasknode=0"}, "", absl::Minutes(5));
  ASSERT_EQ(no_workers.exit_code, 0) << no_workers.out << no_workers.err;
  for (const nlohmann::json& s : Servers()) EXPECT_NE(s["role"], "tasknode");
  EXPECT_TRUE(worker_logged()) << "the logs of a destroyed server are still there";

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
      // The note's field (the first): the other models keep theirs.
      " && sed -i '0,/    created = models.DateTimeField(auto_now_add=True)/s//"
      "    created = models.DateTimeField(auto_now_add=True)\\n"
      "    author = models.CharField(max_length=50, default=\"anonymous\")/' notes/models.py && "
      "printf '%s\\n' 'from django.db import migrations, models' '' '' "
      "'class Migration(migrations.Migration):' "
      "'    dependencies = [(\"notes\", \"0002_upload_job\")]' "
      "'    operations = [migrations.AddField(model_name=\"note\", name=\"author\", "
      "field=models.CharField(default=\"anonymous\", max_length=50))]' "
      "> notes/migrations/0003_note_author.py && "
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
  EXPECT_TRUE(absl::StrContains(Manage({"showmigrations", "notes"}), "[X] 0003_note_author"));

  // A backup holds the rows and the uploads. Every server destroyed and the upload lost from the
  // store too, up --restore latest brings both back.
  CommandResult backup = Dmctl({"backup", "create", "mysite"}, "", absl::Minutes(5));
  ASSERT_EQ(backup.exit_code, 0) << backup.out << backup.err;
  ASSERT_EQ(Dmctl({"down", "mysite", "--yes"}, "", absl::Minutes(2)).exit_code, 0);
  const std::string upload_key = SwiftApi("", "/mysite-media?prefix=mysite/media/uploads/").output;
  ASSERT_FALSE(upload_key.empty());
  ASSERT_TRUE(
      SwiftApi("-X DELETE", "/mysite-media/" + std::string(absl::StripAsciiWhitespace(upload_key)))
          .ok());
  CommandResult restored = Dmctl({"up", fleet, "--restore", "latest"}, "", absl::Minutes(15));
  ASSERT_EQ(restored.exit_code, 0) << restored.out << restored.err << AllLogs();
  EXPECT_TRUE(absl::StrContains(restored.out, "1 brought back")) << restored.out;
  std::string rebuilt_lb;
  for (const nlohmann::json& s : Servers())
    if (s["role"] == "loadbalancer") rebuilt_lb = s["address"];
  const std::string rebuilt = "http://" + rebuilt_lb;
  EXPECT_TRUE(absl::StrContains(Sh("curl -sf -m 10 " + rebuilt + "/").output, "<li>kept</li>"));
  EXPECT_TRUE(
      absl::StrContains(Sh("curl -sf -m 10 " + rebuilt + download).output, "hello from the fleet"))
      << "the upload is back";

  ASSERT_EQ(Dmctl({"down", "mysite", "--yes"}, "", absl::Minutes(2)).exit_code, 0);
}

// The example on one server, its uploads in Swift through Swift's own API (django-storages'
// libcloud storage, mysite/swift_storage.py) rather than S3's.
TEST_F(DjangoTest, UploadsInSwiftThroughItsOwnApi) {
  const std::string fleet = Path("solo.yaml");
  ASSERT_TRUE(
      WriteFileAtomic(
          fleet,
          "name: solo\ndomain: solo.test\nroles: {dbappbalancer: 1}\nmedia: {store: swift}\n"
          "app:\n  repository: app\n  revision: main\n  name: mysite\n"
          "  wsgi: mysite.wsgi:application\n  workers: 1\n"
          "  packages: [python3-django, python3-psycopg2, python3-django-storages-libcloud,"
          // The host's memcached is the cache: Django reaches it through pymemcache.
          " python3-celery, python3-pymemcache]\n"
          "  env:\n    DJANGO_SETTINGS_MODULE: mysite.settings\n"
          "    DJANGO_SECRET_KEY: {secret: django.secret_key}\n"
          "    DJANGO_ALLOWED_HOSTS: '*'\n"
          "  migrate: python3 manage.py migrate --noinput\n"
          "secrets:\n  database.password: {generate: 32}\n"
          "  django.secret_key: {generate: 50}\n",
          0644)
          .ok());
  CommandResult up = Dmctl({"up", fleet}, "", absl::Minutes(10));
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << AllLogs();
  const std::string url = "http://" + Servers()[0]["address"].get<std::string>() + "/";
  ASSERT_TRUE(WriteFileAtomic(Path("Report.txt"), "kept in swift\n", 0644).ok());
  ProcessResult uploaded = Post(url, "uploads", "-F file=@" + Path("Report.txt"));
  ASSERT_TRUE(uploaded.ok()) << uploaded.output << AllLogs();
  const std::string download(absl::StripAsciiWhitespace(uploaded.output));
  EXPECT_EQ(Sh("curl -sf -m 10 " + url.substr(0, url.size() - 1) + download).output,
            "kept in swift\n");
  EXPECT_EQ(SwiftApi("", "/solo-media?prefix=solo/media/").output,
            "solo/media/uploads/Report.txt\n")
      << "under the fleet's prefix, where its backups look";
  ASSERT_EQ(Dmctl({"down", "solo", "--yes"}, "", absl::Minutes(2)).exit_code, 0);
}

}  // namespace
}  // namespace dm::testing
