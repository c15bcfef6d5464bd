// How the ServerManager is set up: where its keys live, which providers it has, which dm-agent
// bootstrap installs. Apart from server_manager.h so that the controller's command line can set
// them without compiling the manager.
#ifndef DM_CONTROLLER_SERVERS_SERVER_MANAGER_OPTIONS_H_
#define DM_CONTROLLER_SERVERS_SERVER_MANAGER_OPTIONS_H_

#include <string>

#include "controller/providers/local/local_provider.h"

namespace dm {

struct ServerManagerOptions {
  std::string data_dir;
  bool local_provider = true;
  LocalProviderOptions local;  // state_dir defaults to DATA_DIR/local
  std::string agent_binary;    // default: dm-agent beside this program
};

}  // namespace dm

#endif  // DM_CONTROLLER_SERVERS_SERVER_MANAGER_OPTIONS_H_
