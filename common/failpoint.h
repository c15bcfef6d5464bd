// Failpoints: named places in the controller's long operations where a test stops it on purpose,
// to prove that what a crash leaves half done is found and finished by the next start (etcd's
// failpoints are the model). The environment variable DM_FAILPOINTS names the places, separated
// by commas; a thread that reaches one of them logs "failpoint NAME reached" and waits there
// until the process is killed. A process started without the variable never waits: each place
// costs one look-up in an empty set.
//
// Only whoever starts the process sets its environment, so a failpoint gives no one anything
// they did not have: it can stop the process, which they could kill anyway.
#ifndef DM_COMMON_FAILPOINT_H_
#define DM_COMMON_FAILPOINT_H_

#include <string_view>

namespace dm {

// Waits forever if DM_FAILPOINTS names `name`; returns at once otherwise.
void Failpoint(std::string_view name);

}  // namespace dm

#endif  // DM_COMMON_FAILPOINT_H_
