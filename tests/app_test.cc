// Any Python app, by the fleet file's `app:` alone, on a real local server (ctest label "fleet";
// needs root): a WSGI app whose requirement only a wheel in its own repository provides (this
// machine reaches no Python index: the wheel is made here). It is installed into the release's
// virtual environment by pip, as the app's user, and the environment is root's afterwards; a
// management command runs in it; a commit whose requirement cannot be installed fails its deploy
// naming the package, and the running release keeps serving. And an ASGI app under uvicorn whose
// requirement comes from a package index (PEP 503, served over HTTP on this machine).
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/child_process.h"
#include "common/files.h"
#include "common/free_port.h"
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

// An ASGI app: uvicorn runs it; its page is the wheel's greeting too.
constexpr char kAsgiApp[] = R"py(import dm_greeting


async def app(scope, receive, send):
    assert scope["type"] == "http"
    body = ("asgi: " + dm_greeting.greet() + "\n").encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})
)py";

TEST_F(AppReleasesTest, AnAsgiAppUnderUvicornWithItsRequirementFromAPackageIndex) {
  // The index: the wheel under simple/dm-greeting/, listed by python3's own HTTP server on the
  // servers' bridge (a devpi or a mirror would answer the same).
  const std::string index = Path("index/simple/dm-greeting");
  ASSERT_TRUE(MakeDirectories(index, 0755).ok());
  ASSERT_TRUE(Sh(absl::StrCat("cp ", Path("app"), "/wheels/*.whl ", index)).ok());
  const std::string host_address = subnet_ + ".1";
  absl::StatusOr<uint16_t> port = FreeTcpPort(host_address);
  ASSERT_TRUE(port.ok()) << port.status();
  absl::StatusOr<std::unique_ptr<ChildProcess>> served =
      ChildProcess::Start({"python3", "-m", "http.server", std::to_string(*port), "--bind",
                           host_address, "--directory", Path("index")},
                          Path("index.log"));
  ASSERT_TRUE(served.ok()) << served.status();
  ProcessResult asgi = Sh(absl::StrCat(
      "cd ", Path("app"), " && cat > hello_asgi.py <<'EOF'\n", kAsgiApp, "EOF\n",
      "git add hello_asgi.py && git -c user.name=t -c user.email=t@t commit -qm asgi && ",
      "git rev-parse HEAD"));
  ASSERT_TRUE(asgi.ok()) << asgi.output;
  const std::string fleet = Path("fast.yaml");
  ASSERT_TRUE(WriteFileAtomic(
                  fleet,
                  absl::StrCat("name: fast\ndomain: fast.test\nroles:\n  dbappbalancer: 1\n"
                               "app:\n  repository: app\n  revision: main\n  name: fast\n"
                               "  asgi: hello_asgi:app\n  workers: 1\n  port: 8001\n  health: /\n"
                               "  requirements: requirements.txt\n  pip_index: http://",
                               host_address, ":", *port, "/simple/\n",
                               "secrets:\n  database.password: {generate: 24}\n"),
                  0644)
                  .ok());
  CommandResult up = Dmctl({"up", fleet}, "", absl::Minutes(10));
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << AllLogs()
                             << ReadFile(Path("index.log")).value_or("");
  const std::string address = Servers()[0]["address"];
  EXPECT_EQ(Sh("curl -sf -m 10 http://" + address + "/").output, "asgi: hello from a wheel\n");
  EXPECT_TRUE(absl::StrContains(
      InServer("fast-dbappbalancer-1", "systemctl show -p ExecStart --value fast.service").output,
      "-m uvicorn"))
      << "uvicorn runs it";
  EXPECT_TRUE(
      absl::StrContains(ReadFile(Path("index.log")).value_or(""), "GET /simple/dm-greeting/"))
      << "pip asked the index";
  ASSERT_EQ(Dmctl({"down", "fast", "--yes"}, "", absl::Minutes(2)).exit_code, 0);
}

}  // namespace
}  // namespace dm::testing
