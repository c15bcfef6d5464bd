#include "controller/rpc/proto_convert.h"

namespace dm {

dm::v1::Agent ToProto(const AgentView& view) {
  const AgentRecord& r = view.record;
  dm::v1::Agent out;
  out.set_id(r.id);
  out.set_name(r.name);
  out.set_role(r.role);
  out.set_state(view.connected ? dm::v1::CONNECTED : dm::v1::DISCONNECTED);
  out.set_address(r.address);
  out.set_version(r.version);
  out.set_last_seen_unix_ms(UnixMillisOrZero(r.last_seen));
  out.set_enrolled_unix_ms(UnixMillisOrZero(r.enrolled));
  out.set_cert_serial(r.cert_serial);
  out.set_cert_expires_unix_ms(UnixMillisOrZero(r.cert_expires));
  *out.mutable_facts() = r.facts;
  return out;
}

}  // namespace dm
