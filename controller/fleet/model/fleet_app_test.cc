// A fleet file's `app:`: what the app cookbook is told, and every mistake named at its position.
#include "controller/fleet/model/fleet_app.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/fleet/model/fleet_file.h"

namespace dm {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kDeploy = std::string(DM_SOURCE_DIR) + "/deploy";

// The fleet file around `app` (its lines, indented by two), with one secret.
absl::StatusOr<FleetFile> WithApp(const std::string& app) {
  return ParseFleetFile("name: shop\ndomain: shop.test\nroles: {dbappbalancer: 1}\napp:\n" + app +
                            "secrets:\n  django.secret_key: {generate: 48}\n",
                        "/srv/shop.yaml", kDeploy);
}

std::string Problems(const std::string& app) {
  absl::StatusOr<FleetFile> file = WithApp(app);
  return file.ok() ? "" : std::string(file.status().message());
}

TEST(FleetAppTest, ADjangoAppUnderUvicornWithItsOwnIndex) {
  absl::StatusOr<FleetFile> file = WithApp(
      "  repository: https://git.example/mysite.git\n"
      "  name: mysite\n"
      "  asgi: mysite.asgi:application\n"
      "  workers: 3\n"
      "  port: 8080\n"
      "  health: /healthz\n"
      "  requirements: requirements.txt\n"
      "  pip_index: https://pypi.internal/simple\n"
      "  env:\n"
      "    DJANGO_SETTINGS_MODULE: mysite.settings\n"
      "    SECRET_KEY: {secret: django.secret_key}\n"
      "  migrate: python3 manage.py migrate --noinput\n"
      "  collectstatic: python3 manage.py collectstatic --noinput\n"
      "  static: collected\n"
      "  release: [python3 manage.py check --deploy, python3 manage.py clearsessions]\n");
  ASSERT_TRUE(file.ok()) << file.status();
  const FleetApp& app = file->app;
  EXPECT_EQ(app.repository, "https://git.example/mysite.git") << "a URL stays a URL";
  EXPECT_EQ(app.revision, "HEAD");
  EXPECT_EQ(app.server, "uvicorn");
  EXPECT_EQ(app.entry, "mysite.asgi:application");
  EXPECT_EQ(app.workers, 3);
  EXPECT_EQ(app.port, 8080);
  EXPECT_EQ(app.health, "/healthz");
  EXPECT_EQ(app.requirements, "requirements.txt");
  EXPECT_EQ(app.pip_index, "https://pypi.internal/simple");
  ASSERT_EQ(app.env.size(), 2u);
  EXPECT_EQ(app.env[1].name, "SECRET_KEY");
  EXPECT_EQ(app.env[1].secret, "django.secret_key");
  EXPECT_EQ(app.env[1].value, "") << "resolved on the controller, never in the file";
  EXPECT_EQ(app.static_dir, "collected");
  EXPECT_EQ(app.release.size(), 2u);
}

TEST(FleetAppTest, TheAppNeedsSomethingToRunIt) {
  EXPECT_THAT(Problems("  repository: /r\n"),
              HasSubstr("shop.yaml:5:3: fleet: app: needs wsgi: MODULE:CALLABLE (gunicorn) or "
                        "asgi: MODULE:CALLABLE (uvicorn)"));
  EXPECT_THAT(Problems("  repository: /r\n  wsgi: a:app\n  asgi: a:app\n"),
              HasSubstr("fleet: app: field 'asgi': wsgi: or asgi:, not both"));
  EXPECT_THAT(Problems("  repository: /r\n  wsgi: 'gunicorn --bind 0.0.0.0 a:app'\n"),
              HasSubstr("field 'wsgi': must be MODULE:CALLABLE, such as mysite.wsgi:application"));
}

TEST(FleetAppTest, EveryMistakeIsNamedAtItsLine) {
  const std::string problems = Problems(
      "  repository: /r\n"                                  // line 5
      "  wsgi: a:app\n"                                     // 6
      "  name: postgres\n"                                  // 7
      "  port: 5432\n"                                      // 8
      "  health: healthz\n"                                 // 9
      "  packages: [python3-flask, '--yes']\n"              // 10
      "  requirements: ../requirements.txt\n"               // 11
      "  pip_index: ftp://mirror/simple\n"                  // 12
      "  env:\n"                                            // 13
      "    DM_DB_HOST: elsewhere\n"                         // 14
      "    API_TOKEN: {secret: api.token}\n"                // 15
      "    bad-name: x\n"                                   // 16
      "  collectstatic: python3 manage.py collectstatic\n"  // 17
      "  colour: blue\n");                                  // 18
  EXPECT_THAT(problems, HasSubstr("7:9: fleet: app: field 'name': 'postgres' is a system user's"));
  EXPECT_THAT(problems, HasSubstr("8:9: fleet: app: field 'port': 5432 is another role's"));
  EXPECT_THAT(problems, HasSubstr("9:11: fleet: app: field 'health': must be a path"));
  EXPECT_THAT(problems, HasSubstr("field 'packages': '--yes' is not a Debian package name"));
  EXPECT_THAT(problems, HasSubstr("11:17: fleet: app: field 'requirements': must be a file in"));
  EXPECT_THAT(problems, HasSubstr("12:14: fleet: app: field 'pip_index': must be an http://"));
  EXPECT_THAT(problems, HasSubstr("14:5: fleet: app: env: DM_DB_HOST: DM_ names are"));
  EXPECT_THAT(problems, HasSubstr("15:25: fleet: app: env: API_TOKEN: secret 'api.token' is not "
                                  "one of the fleet's secrets"));
  EXPECT_THAT(problems, HasSubstr("16:5: fleet: app: env: bad-name: a variable name is"));
  EXPECT_THAT(problems, HasSubstr("field 'static': says where collectstatic collects to"));
  EXPECT_THAT(problems, HasSubstr("18:3: fleet: app: unknown field 'colour'"));
}

TEST(FleetAppTest, AValueWrittenWhereASecretBelongsIsRefusedWithoutRepeatingIt) {
  const std::string problems =
      Problems("  repository: /r\n  wsgi: a:app\n  env:\n    KEY: {value: hunter2}\n");
  EXPECT_THAT(problems, HasSubstr("env: KEY: must be a value or {secret: NAME}"));
  EXPECT_THAT(problems, Not(HasSubstr("hunter2")));
}

TEST(FleetAppTest, PipOptionsNeedARequirementsFile) {
  EXPECT_THAT(Problems("  repository: /r\n  wsgi: a:app\n  pip_find_links: wheels\n"),
              HasSubstr("field 'requirements': is what pip_index and pip_find_links are for"));
  EXPECT_EQ(Problems("  repository: /r\n  wsgi: a:app\n  requirements: requirements.txt\n"
                     "  pip_find_links: wheels\n"),
            "");
}

}  // namespace
}  // namespace dm
