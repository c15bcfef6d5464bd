// The name every client checks the controller's certificate against. Clients pin the
// controller's own CA (from the join token or dmctl.yaml), so the name does not depend on the
// address they dial: a controller behind NAT or a changed IP keeps working.
#ifndef DM_COMMON_TLS_SERVER_NAME_H_
#define DM_COMMON_TLS_SERVER_NAME_H_

namespace dm {

inline constexpr char kControllerServerName[] = "dm-controller";

}  // namespace dm

#endif  // DM_COMMON_TLS_SERVER_NAME_H_
