// FetchInputParts with a scripted controller: parts answered out of order and in batches, a part
// that occurs twice, and a damaged part.
#include "agent/exec/exec_input.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <deque>

#include "absl/strings/str_format.h"
#include "common/temp_dir.h"
#include "common/tls/digest.h"

namespace dm {
namespace {

std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

// Answers every request at once, newest hashes first, two per message; `damage` corrupts one.
struct ScriptedController {
  std::map<std::string, std::string> parts;
  std::string damage;
  std::deque<dm::v1::Blobs> pending;
  int requests = 0;

  BlobSource Source() {
    BlobSource source;
    source.request = [this](std::vector<std::string> wanted) {
      ++requests;
      dm::v1::Blobs message;
      for (auto it = wanted.rbegin(); it != wanted.rend(); ++it) {
        dm::v1::Blob* b = message.add_blobs();
        b->set_sha256(*it);
        b->set_data(*it == damage ? "not what was sent" : parts.at(*it));
        if (message.blobs_size() == 2) {
          pending.push_back(std::move(message));
          message.Clear();
        }
      }
      if (message.blobs_size() > 0) pending.push_back(std::move(message));
    };
    source.next = [this](absl::Duration) -> std::optional<dm::v1::Blobs> {
      if (pending.empty()) return std::nullopt;
      dm::v1::Blobs b = std::move(pending.front());
      pending.pop_front();
      return b;
    };
    return source;
  }
};

google::protobuf::RepeatedPtrField<std::string> Split(const std::string& input, size_t part,
                                                      ScriptedController& c) {
  google::protobuf::RepeatedPtrField<std::string> hashes;
  for (size_t at = 0; at < input.size(); at += part) {
    std::string p = input.substr(at, part);
    std::string sha = Sha256Hex(p);
    *hashes.Add() = sha;
    c.parts[sha] = p;
  }
  return hashes;
}

TEST(ExecInputTest, PartsArriveInAnyOrderAndAreWrittenInTheirs) {
  TempDir dir;
  ScriptedController controller;
  // 100 parts of 1000 bytes; parts 40 to 59 are all alike (one hash, written twenty times).
  std::string input;
  for (int i = 0; i < 100; ++i) {
    std::string number = i >= 40 && i < 60 ? "same" : absl::StrFormat("%04d", i);
    for (int j = 0; j < 250; ++j) input += number;
  }
  auto parts = Split(input, 1000, controller);
  BlobSource source = controller.Source();
  std::atomic<bool> cancelled{false};
  absl::StatusOr<int> fd = FetchInputParts(parts, dir.path(), source, cancelled);
  ASSERT_TRUE(fd.ok()) << fd.status();
  EXPECT_EQ(ReadAll(*fd), input);
  ::close(*fd);
  EXPECT_GE(controller.requests, 3) << "asked in windows, not all at once";
}

TEST(ExecInputTest, ADamagedPartFailsTheFetch) {
  TempDir dir;
  ScriptedController controller;
  auto parts = Split(std::string(5000, 'x') + std::string(5000, 'y'), 5000, controller);
  controller.damage = parts[1];
  BlobSource source = controller.Source();
  std::atomic<bool> cancelled{false};
  absl::StatusOr<int> fd = FetchInputParts(parts, dir.path(), source, cancelled);
  EXPECT_TRUE(absl::IsDataLoss(fd.status())) << fd.status();
}

TEST(ExecInputTest, ACancelledFetchStops) {
  TempDir dir;
  ScriptedController controller;
  auto parts = Split("abc", 1, controller);
  BlobSource source = controller.Source();
  std::atomic<bool> cancelled{true};
  EXPECT_TRUE(absl::IsCancelled(FetchInputParts(parts, dir.path(), source, cancelled).status()));
}

}  // namespace
}  // namespace dm
