#include "controller/providers/cloud/testing/fake_cloud_api.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/http/http_client.h"

namespace dm::testing {

absl::Status FakeCloudApi::Start(std::string token) {
  token_ = std::move(token);
  absl::StatusOr<std::unique_ptr<FakeHttpServer>> server =
      FakeHttpServer::Start([this](const FakeHttpRequest& r) {
        FakeHttpResponse answer;
        absl::Duration lose = absl::ZeroDuration();
        {
          std::lock_guard<std::mutex> lock(mu_);
          const size_t before = servers_.size();
          answer = Handle(r);
          if (servers_.size() > before && lose_create_answer_ > absl::ZeroDuration()) {
            std::swap(lose, lose_create_answer_);
          }
        }
        answer.delay += lose;
        return answer;
      });
  if (!server.ok()) return server.status();
  server_ = std::move(*server);
  return absl::OkStatus();
}

std::vector<FakeServer> FakeCloudApi::Servers() {
  std::lock_guard<std::mutex> lock(mu_);
  return servers_;
}

int FakeCloudApi::Keys() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(keys_.size());
}

int FakeCloudApi::Firewalls() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(firewalls_.size());
}

void FakeCloudApi::AddServer(FakeServer server) {
  std::lock_guard<std::mutex> lock(mu_);
  Place(&server);
  server.polls_left = 0;
  servers_.push_back(std::move(server));
}

void FakeCloudApi::set_max_per_page(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  max_per_page_ = n;
}

void FakeCloudApi::LoseNextCreateAnswer(absl::Duration delay) {
  std::lock_guard<std::mutex> lock(mu_);
  lose_create_answer_ = delay;
}

void FakeCloudApi::Place(FakeServer* server) {
  server->id = next_id_++;
  const int n = static_cast<int>(server->id % 250) + 1;
  server->public_ip = absl::StrCat("203.0.113.", n);
  server->private_ip = absl::StrCat("10.10.0.", n);
}

std::pair<int, int> FakeCloudApi::PageOf(const std::map<std::string, std::string>& query, int count,
                                         int default_per_page, int* pages) const {
  int page = 1, per_page = default_per_page;
  if (query.count("page") && !absl::SimpleAtoi(query.at("page"), &page)) page = 1;
  if (query.count("per_page") && !absl::SimpleAtoi(query.at("per_page"), &per_page))
    per_page = default_per_page;
  per_page = std::clamp(per_page, 1, max_per_page_);
  *pages = std::max(1, (count + per_page - 1) / per_page);
  return {std::min(count, (page - 1) * per_page), std::min(count, page * per_page)};
}

std::map<std::string, std::string> FakeCloudApi::Query(const std::string& query) {
  std::map<std::string, std::string> params;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    // %XX decoding: label selectors and tags carry '=' and ':'.
    std::string value;
    for (size_t i = 0; i < kv.second.size(); ++i) {
      int code = 0;
      if (kv.second[i] == '%' && i + 2 < kv.second.size() &&
          absl::SimpleHexAtoi(kv.second.substr(i + 1, 2), &code)) {
        value += static_cast<char>(code);
        i += 2;
      } else {
        value += kv.second[i];
      }
    }
    params[kv.first] = value;
  }
  return params;
}

}  // namespace dm::testing
