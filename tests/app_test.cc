// Any Python app, by the fleet file's `app:` alone, on a real local server (ctest label "fleet";
// needs root): a WSGI app whose requirement only a wheel in its own repository provides (this
// machine reaches no Python index: the wheel is made here). It is installed into the release's
// virtual environment by pip, as the app's user, and the environment is root's afterwards; a
// management command runs in it; a commit whose requirement cannot be installed fails its deploy
// naming the package, and the running release keeps serving.
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "tests/harness/local_servers_fixture.h"

namespace dm::testing {
namespace {

// Makes OUT/dm_greeting-1.0-py3-none-any.whl: a wheel is a zip with its metadata and a RECORD of
// every file's hash (PEP 427), which is all pip needs to install it.
constexpr char kMakeWheel[] = R"py(import base64, hashlib, sys, zipfile
out = sys.argv[1]
info = "dm_greeting-1.0.dist-info"
files = {
    "dm_greeting/__init__.py": 'def greet():\n    return "hello from a wheel"\n',
    info + "/METADATA": "Metadata-Version: 2.1\nName: dm-greeting\nVersion: 1.0\n",
    info + "/WHEEL": "Wheel-Version: 1.0\nGenerator: deploymachine-test\n"
                     "Root-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
for path, text in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
    record.append("%s,sha256=%s,%d" % (path, digest.decode(), len(text.encode())))
record.append(info + "/RECORD,,")
with zipfile.ZipFile(out + "/dm_greeting-1.0-py3-none-any.whl", "w") as wheel:
    for path, text in files.items():
        wheel.writestr(path, text)
    wheel.writestr(info + "/RECORD", "\n".join(record) + "\n")
)py";

// The app: its page is the wheel's greeting, /version its commit.
constexpr char kHelloApp[] = R"py(import os

import dm_greeting


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    body = os.environ.get("DM_REVISION", "?") if path == "/version" else dm_greeting.greet()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [(body + "\n").encode()]
)py";

class AppReleasesTest : public LocalServersTest {
 protected:
  void SetUp() override {
    LocalServersTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const std::string app = Path("app");
    ASSERT_TRUE(MakeDirectories(app + "/wheels", 0755).ok());
    ASSERT_TRUE(WriteFileAtomic(app + "/hello.py", kHelloApp, 0644).ok());
    ASSERT_TRUE(WriteFileAtomic(app + "/requirements.txt", "dm-greeting==1.0\n", 0644).ok());
    ASSERT_TRUE(WriteFileAtomic(Path("make_wheel.py"), kMakeWheel, 0644).ok());
    ProcessResult made = Sh(
        absl::StrCat("python3 ", Path("make_wheel.py"), " ", app, "/wheels && cd ", app,
                     " && git init -q -b main && git -c user.name=t -c user.email=t@t add -A && ",
                     "git -c user.name=t -c user.email=t@t commit -q -m v1 && git rev-parse HEAD"));
    ASSERT_TRUE(made.ok()) << made.output;
    v1_ = std::string(absl::StripAsciiWhitespace(made.output));
  }

  std::string v1_;
};

TEST_F(AppReleasesTest, RequirementsComeFromItsWheelsAndAFailedInstallChangesNothing) {
  const std::string fleet = Path("hello.yaml");
  ASSERT_TRUE(WriteFileAtomic(fleet,
                              "name: hello\ndomain: hello.test\nroles:\n  dbappbalancer: 1\n"
                              "app:\n  repository: app\n  revision: main\n  name: hello\n"
                              "  wsgi: hello:app\n  workers: 1\n  health: /\n"
                              "  requirements: requirements.txt\n  pip_find_links: wheels\n"
                              "secrets:\n  database.password: {generate: 24}\n",
                              0644)
                  .ok());
  CommandResult up = Dmctl({"up", fleet}, "", absl::Minutes(10));
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << AllLogs();
  const std::string host = "hello-dbappbalancer-1";
  const std::string address = Servers()[0]["address"];
  const std::string url = "http://" + address + "/";
  EXPECT_EQ(Sh("curl -sf -m 10 " + url).output, "hello from a wheel\n");
  EXPECT_EQ(Sh("curl -sf -m 10 " + url + "version").output, v1_ + "\n");

  // The release's own environment: the package is there, root's, and the app cannot change it.
  const std::string venv = "/srv/hello/releases/" + v1_ + "/.venv";
  ProcessResult installed =
      InServer(host, "stat -c %U " + venv + "/lib/python3*/site-packages/dm_greeting/__init__.py");
  EXPECT_EQ(installed.output, "root\n");
  EXPECT_FALSE(InServer(host, "runuser -u hello -- touch " + venv + "/lib/x").ok())
      << "the app cannot change its own environment";
  // A management command sees what the app sees: its virtual environment first.
  CommandResult where = Dmctl(
      {"app", "hello", "--", "python3", "-c", "import dm_greeting; print(dm_greeting.__file__)"});
  EXPECT_EQ(where.exit_code, 0) << where.err;
  EXPECT_TRUE(absl::StartsWith(where.out, "/srv/hello/current/.venv/")) << where.out;

  // A commit whose requirement no wheel provides: its deploy fails naming the package, and the
  // running release keeps serving.
  ProcessResult v2 = Sh(
      absl::StrCat("cd ", Path("app"), " && echo 'dm-missing-package==9.9' >> requirements.txt && ",
                   "git -c user.name=t -c user.email=t@t commit -qam v2 && git rev-parse HEAD"));
  ASSERT_TRUE(v2.ok()) << v2.output;
  CommandResult deploy = Dmctl({"deploy", "hello"}, "", absl::Minutes(5));
  EXPECT_EQ(deploy.exit_code, 1) << deploy.out << deploy.err;
  EXPECT_TRUE(absl::StrContains(deploy.err,
                                "No matching distribution found for "
                                "dm-missing-package==9.9"))
      << "pip's own words: " << deploy.err;
  EXPECT_TRUE(absl::StrContains(deploy.err, v1_.substr(0, 12) + " keeps serving")) << deploy.err;
  EXPECT_EQ(Sh("curl -sf -m 10 " + url + "version").output, v1_ + "\n");
  EXPECT_EQ(Sh("curl -sf -m 10 " + url).output, "hello from a wheel\n");
  EXPECT_EQ(InServer(host, "readlink /srv/hello/current").output,
            "/srv/hello/releases/" + v1_ + "\n");

  ASSERT_EQ(Dmctl({"down", "hello", "--yes"}, "", absl::Minutes(2)).exit_code, 0);
}

}  // namespace
}  // namespace dm::testing
