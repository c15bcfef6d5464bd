// A gRPC channel to the controller that trusts only the controller's own CA and checks the
// certificate name kControllerServerName, whatever address is dialled.
#ifndef DM_COMMON_CONTROLLER_CHANNEL_H_
#define DM_COMMON_CONTROLLER_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace dm {

struct ChannelCredentialsPem {
  std::string ca;   // required
  std::string key;  // client key and certificate: empty for enrollment, which has none yet
  std::string cert;
};

// `address` is HOST:PORT. `args` may carry more settings (keepalive, a distinct subchannel pool);
// the TLS name override is added here.
std::shared_ptr<grpc::Channel> CreateControllerChannel(const std::string& address,
                                                       const ChannelCredentialsPem& pem,
                                                       grpc::ChannelArguments args = {});

}  // namespace dm

#endif  // DM_COMMON_CONTROLLER_CHANNEL_H_
