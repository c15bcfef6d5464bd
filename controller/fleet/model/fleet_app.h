// A fleet file's `app:`: everything about the application its app nodes run, so that no user
// writes a cookbook (the `app` cookbook reads it, docs/apps.md):
//
//   app:
//     repository: ../..               # git URL, or a path relative to the fleet file
//     path: deploy/examples/app       # its folder in the repository (default ".")
//     revision: HEAD                  # branch, tag or commit
//     name: guestbook                 # its user, service and folder /srv/NAME (default: app)
//     wsgi: guestbook:app             # MODULE:CALLABLE under gunicorn; or `asgi:` under uvicorn
//     workers: 2                      # processes (default 2)
//     port: 8000                      # where it listens on the app node (default 8000)
//     health: /health                 # a path that answers 200 when the app works
//     packages: [python3-flask]       # Debian packages it needs
//     requirements: requirements.txt  # pip installs these into a virtual environment per commit
//     pip_index: http://pypi.internal/simple   # instead of PyPI
//     pip_find_links: wheels          # a folder of wheels in the repository, or a URL
//     env:                            # its environment, beside DeployMachine's own (DM_*)
//       DJANGO_SETTINGS_MODULE: mysite.settings
//       SECRET_KEY: {secret: django.secret_key}   # a secret of the fleet's `secrets:`
//     migrate: python3 manage.py migrate --noinput      # once per deploy, on one app node
//     collectstatic: python3 manage.py collectstatic --noinput   # per commit
//     static: static                  # the folder the load balancers serve at /static/
//     release: [python3 manage.py check --deploy]       # once per deploy, after migrate
//     worker: python3 -m celery -A mysite worker     # what task nodes run (the tasknode role)
#ifndef DM_CONTROLLER_FLEET_MODEL_FLEET_APP_H_
#define DM_CONTROLLER_FLEET_MODEL_FLEET_APP_H_

#include <string>
#include <vector>

#include "common/yaml/validation_errors.h"
#include "common/yaml/yaml_tree.h"

namespace dm {

// One variable of the app's environment: a value as written, or a fleet secret's by name.
struct FleetAppVariable {
  std::string name;
  std::string value;
  std::string secret;  // the secret's attribute ("django.secret_key"); value is then ""
};

struct FleetApp {
  std::string repository;  // a git URL or an absolute path; "" when the fleet runs no app
  std::string path = ".";
  std::string revision = "HEAD";
  std::string name = "app";
  std::string server;  // "gunicorn" (wsgi:) or "uvicorn" (asgi:); "" when neither is given
  std::string entry;   // MODULE:CALLABLE
  int workers = 2;
  int port = 8000;
  std::string health = "/health";
  std::vector<std::string> packages;
  std::string requirements;  // a file in the app's folder; "" for none
  std::string pip_index;
  std::string pip_find_links;  // a URL, or a folder in the repository
  std::vector<FleetAppVariable> env;
  std::string migrate, collectstatic;  // shell commands, "" for none
  std::string static_dir;              // in the app's folder; "" for none
  std::vector<std::string> release;    // shell commands
  std::string worker;                  // the task nodes' command; "" for none
};

// Reads `app:` into `app`. `fleet_path` anchors a relative repository; `secrets` are the fleet's
// secret attributes, which env may name. Every problem goes to `errors` with its position.
void ReadFleetApp(const yaml::Node& node, const std::string& fleet_path,
                  const std::vector<std::string>& secrets, yaml::ValidationErrors* errors,
                  FleetApp* app);

}  // namespace dm

#endif  // DM_CONTROLLER_FLEET_MODEL_FLEET_APP_H_
