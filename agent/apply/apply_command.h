// `dm-agent apply PATH`: converge this host from a cookbook (or a role) on disk, without a
// controller, like `puppet apply`.
#ifndef DM_AGENT_APPLY_APPLY_COMMAND_H_
#define DM_AGENT_APPLY_APPLY_COMMAND_H_

namespace dm {

// Exit codes: 0 converged, 1 invalid input (nothing was changed), 2 a resource failed.
inline constexpr int kApplyConverged = 0;
inline constexpr int kApplyInvalid = 1;
inline constexpr int kApplyFailed = 2;

// argv[0] is "apply".
int RunApplyCommand(int argc, char** argv);

}  // namespace dm

#endif  // DM_AGENT_APPLY_APPLY_COMMAND_H_
