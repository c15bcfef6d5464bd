#include "common/controller_channel.h"

#include "common/tls/server_name.h"

namespace dm {

std::shared_ptr<grpc::Channel> CreateControllerChannel(const std::string& address,
                                                       const ChannelCredentialsPem& pem,
                                                       grpc::ChannelArguments args) {
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = pem.ca;
  tls.pem_private_key = pem.key;
  tls.pem_cert_chain = pem.cert;
  args.SetSslTargetNameOverride(kControllerServerName);
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(tls), args);
}

}  // namespace dm
