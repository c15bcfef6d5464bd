#include "controller/fleet/steps/checks.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dm {
namespace {

HttpRequest Get(const std::string& url, absl::Duration timeout) {
  HttpRequest request;
  request.url = url;
  request.timeout = timeout;
  return request;
}

}  // namespace

absl::Status CheckSite(const FleetEnv& env, const FleetFile& file,
                       const std::vector<FleetHost>& hosts, bool maintenance,
                       const FleetEventFn& emit) {
  const long expected = maintenance ? 503 : 200;
  for (const FleetHost& host : hosts) {
    if (!host.Provides(Service::kLoadBalancer) || host.address.empty()) continue;
    // First our own configuration's health endpoint (nginx reloads gracefully: until it has,
    // the package's default site may still answer), then the site itself.
    HttpRequest health = Get(absl::StrCat("http://", host.address, "/lb-health"), absl::Seconds(5));
    HttpRequest site = Get(absl::StrCat("http://", host.address, "/"), absl::Seconds(10));
    site.headers = {{"Host", "www." + file.domain}};
    absl::StatusOr<HttpResponse> response;
    const absl::Time deadline = env.clock->Now() + kSiteWait;
    absl::Time sent;
    do {
      absl::StatusOr<HttpResponse> ours = env.world->Fetch(health);
      if (ours.ok() && ours->status == 200 && ours->body == "ok\n") {
        sent = env.clock->Now();
        response = env.world->Fetch(site);
        if (response.ok() && response->status == expected) break;
      } else if (ours.ok()) {
        response = absl::UnavailableError(
            absl::StrCat("/lb-health answered HTTP ", ours->status, " (not this fleet's nginx)"));
      } else {
        response = ours.status();
      }
      env.clock->SleepFor(absl::Milliseconds(200));
    } while (env.clock->Now() < deadline);
    if (!response.ok() || response->status != expected) {
      std::string what = response.ok() ? absl::StrCat("HTTP ", response->status)
                                       : std::string(response.status().message());
      emit(FleetEventOf(host.name, "check", dm::v1::STEP_FAILED,
                        absl::StrCat("http://www.", file.domain, "/: ", what)));
      return absl::UnavailableError(absl::StrCat("the site did not answer through ", host.name,
                                                 " (", host.address, "): ", what));
    }
    emit(FleetEventOf(
        host.name, "check", dm::v1::STEP_OK,
        absl::StrCat("http://www.", file.domain, "/ answered ", expected,
                     maintenance ? " (maintenance)" : "", " through ", host.address, " in ",
                     absl::ToInt64Milliseconds(env.clock->Now() - sent), " ms")));
  }
  return absl::OkStatus();
}

absl::Status CheckApp(const FleetEnv& env, const FleetHost& host, const std::string& commit,
                      const FleetEventFn& emit) {
  // Through nginx when the host balances itself (its app port is not open to others).
  const std::string base = host.Provides(Service::kLoadBalancer)
                               ? absl::StrCat("http://", host.address)
                               : absl::StrCat("http://", host.address, ":8000");
  std::string last = "no answer yet";
  for (const absl::Time deadline = env.clock->Now() + kAppWait; env.clock->Now() < deadline;
       env.clock->SleepFor(absl::Milliseconds(300))) {
    absl::StatusOr<HttpResponse> h = env.world->Fetch(Get(base + "/health", absl::Seconds(5)));
    if (!h.ok() || h->status != 200) {
      last = h.ok() ? absl::StrCat("/health answered HTTP ", h->status)
                    : std::string(h.status().message());
      continue;
    }
    absl::StatusOr<HttpResponse> v = env.world->Fetch(Get(base + "/version", absl::Seconds(5)));
    std::string running = v.ok() ? std::string(absl::StripAsciiWhitespace(v->body)) : "";
    if (running == commit) {
      emit(FleetEventOf(host.name, "check", dm::v1::STEP_OK,
                        absl::StrCat("healthy, running ", commit.substr(0, 12))));
      return absl::OkStatus();
    }
    last = absl::StrCat("/version says ", running.empty() ? "nothing" : running, ", not ",
                        commit.substr(0, 12));
  }
  emit(FleetEventOf(host.name, "check", dm::v1::STEP_FAILED, last));
  return absl::UnavailableError(absl::StrCat(host.name, ": ", last));
}

}  // namespace dm
