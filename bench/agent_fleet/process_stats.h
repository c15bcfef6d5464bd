// Resource use of another process, read from /proc: resident memory and CPU time.
#ifndef DM_BENCH_AGENT_FLEET_PROCESS_STATS_H_
#define DM_BENCH_AGENT_FLEET_PROCESS_STATS_H_

#include <sys/types.h>

#include <cstdint>

namespace dm::bench {

// VmRSS in bytes, 0 if unreadable.
uint64_t ResidentBytes(pid_t pid);
// User plus system CPU time in seconds.
double CpuSeconds(pid_t pid);
// Raises this process's open-file limit as far as allowed (children inherit it). Returns it.
uint64_t RaiseFileLimit(uint64_t wanted);

}  // namespace dm::bench

#endif  // DM_BENCH_AGENT_FLEET_PROCESS_STATS_H_
