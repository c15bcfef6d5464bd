// bench-peer-workload: times `dm-agent apply` on the peer workload (README.md here) the way
// CFEngine, Puppet and Ansible were timed: a correctness gate first, then 1 warm-up and 5
// counted runs of (a) a first converge from clean and (b) a no-op re-run; medians of wall time,
// user+sys CPU, and peak RSS of the largest single process.
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/cli/command_line.h"
#include "tests/harness/process.h"

namespace {

const char* const kRoot = "/tmp/peer-bench/dm";
const char* const kState = "/tmp/peer-bench/.state/dm";

struct Sample {
  double wall_ms = 0, cpu_ms = 0, max_rss_mb = 0;
  int exit_code = -1;
};

// Runs argv to completion with output discarded; wait4 gives its CPU (with the descendants it
// waited for) and the peak RSS of the largest single process among them.
Sample Measure(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  absl::Time start = absl::Now();
  pid_t pid = ::fork();
  if (pid == 0) {
    FILE* null = std::fopen("/dev/null", "w");
    ::dup2(fileno(null), 1);
    ::execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  Sample s;
  s.wall_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  s.cpu_ms = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
             (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
  s.max_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  s.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return s;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Mode, size, mtime, ctime and inode of every entry: a no-op run must not change any of them.
using Snapshot = std::map<std::string, std::tuple<mode_t, off_t, int64_t, int64_t, ino_t>>;

Snapshot Take() {
  Snapshot snap;
  auto add = [&snap](const std::string& path) {
    struct stat st {};
    ::lstat(path.c_str(), &st);
    snap[path] = {st.st_mode, st.st_size, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
                  st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec, st.st_ino};
  };
  add(kRoot);
  for (const auto& e : std::filesystem::recursive_directory_iterator(kRoot)) add(e.path().string());
  return snap;
}

}  // namespace

int main(int argc, char** argv) {
  std::string agent = dm::testing::BinaryPath("dm-agent");
  std::string cookbook = DM_SOURCE_DIR "/bench/peer-workload";
  std::string verify = (std::filesystem::path(DM_SOURCE_DIR) / "../shared/bench/verify.py")
                           .lexically_normal()
                           .string();
  int runs = 5;
  dm::CommandLine cli(
      "bench-peer-workload: dm-agent apply on the peer workload (first converge and no-op re-run)");
  cli.flags().Add("--agent", &agent, "dm-agent binary").ShowDefault();
  cli.flags().Add("--cookbook", &cookbook, "The peer-workload cookbook").ShowDefault();
  cli.flags()
      .Add("--verify", &verify, "verify.py of the shared workload (skipped if absent)")
      .ShowDefault();
  cli.flags().Add("--runs", &runs, "Counted runs after one warm-up").ShowDefault();
  if (std::optional<int> exit_code = cli.Parse(argc, argv)) return *exit_code;

  // The same prep as the shared prep.sh, inside the timed command for a first converge.
  std::string prep = absl::StrCat(
      "rm -rf ", kRoot, " && umask 022 && mkdir -p ", kRoot,
      " && printf '# peer-bench seed file (created by prep.sh)\\nalpha=1\\nbeta=2\\n' > ", kRoot,
      "/edit.conf");
  std::vector<std::string> apply = {agent, "apply", cookbook, "--state-dir", kState};
  std::vector<std::string> first = {"/bin/sh", "-c",
                                    absl::StrCat(prep, " && exec ", absl::StrJoin(apply, " "))};
  std::filesystem::create_directories(kState);

  // The gate: converge, verify, converge again, verify, nothing touched by the second run.
  Sample s = Measure(first);
  bool have_verify = std::filesystem::exists(verify);
  auto verified = [&] {
    return !have_verify || Measure({"/usr/bin/python3", verify, "dm"}).exit_code == 0;
  };
  if (s.exit_code != 0 || !verified()) {
    std::fprintf(stderr, "gate: the first converge failed or did not verify (exit %d)\n",
                 s.exit_code);
    return 1;
  }
  Snapshot before = Take();
  s = Measure(apply);
  if (s.exit_code != 0 || !verified() || Take() != before) {
    std::fprintf(stderr, "gate: the no-op re-run failed, did not verify, or changed something\n");
    return 1;
  }
  std::printf("gate: converged, %s, no-op re-run changed nothing (%zu entries)\n",
              have_verify ? "verify.py dm OK" : "verify.py not found (skipped)", before.size());

  std::printf("%-22s %12s %12s %12s\n", "dm-agent apply", "wall (ms)", "cpu (ms)", "peak RSS (MB)");
  for (const auto& [label, command] :
       {std::make_pair("first converge", first), std::make_pair("no-op re-run", apply)}) {
    std::vector<double> wall, cpu, rss;
    Measure(command);  // warm-up
    for (int i = 0; i < runs; ++i) {
      Sample m = Measure(command);
      if (m.exit_code != 0) {
        std::fprintf(stderr, "%s: exit code %d\n", label, m.exit_code);
        return 1;
      }
      wall.push_back(m.wall_ms), cpu.push_back(m.cpu_ms), rss.push_back(m.max_rss_mb);
    }
    std::printf("%-22s %12.1f %12.1f %12.1f\n", label, Median(wall), Median(cpu), Median(rss));
  }
  std::printf(
      "peers (same machine kind): cf-agent 559 / 227 ms, 24.8 MB; puppet 7.7 / 4.0 s, 120 MB; "
      "ansible 137 / 150 s, 62 MB\n");
  return 0;
}
