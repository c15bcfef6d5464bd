// The host part of a gRPC peer string: where an agent's or a caller's connection comes from,
// for the agent list and for counting enrollment attempts per address.
#ifndef DM_CONTROLLER_AGENTS_PEER_ADDRESS_H_
#define DM_CONTROLLER_AGENTS_PEER_ADDRESS_H_

#include <string>

namespace dm {

// "ipv4:10.0.0.5:51234" -> "10.0.0.5"; "ipv6:%5B::1%5D:51234" -> "::1". The port of an
// outgoing connection means nothing to an operator, and changes with every connection.
std::string HostOfPeer(const std::string& peer);

}  // namespace dm

#endif  // DM_CONTROLLER_AGENTS_PEER_ADDRESS_H_
