// dmctl pushes an operator's app repository to the controller with git's own pack protocol,
// relayed over this authenticated call: the controller runs git receive-pack on the fleet's
// pushed repository (AppMirror::PushedRepository) and passes bytes both ways, so only the
// objects the controller lacks travel, and no git port is opened to the operator's network.
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/piped_process.h"
#include "controller/rpc/admin_handler.h"

namespace dm {

grpc::Status AdminHandler::GitTransport(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<dm::v1::GitTransportMessage, dm::v1::GitTransportMessage>* stream) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  if (apps_ == nullptr)
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "this controller keeps no app repositories");
  dm::v1::GitTransportMessage first;
  if (!stream->Read(&first)) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request");
  // Only pushes: the controller's copy is written by the operator, read by the fleet's servers.
  if (first.service() != "git-receive-pack") {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("service '", first.service(), "': only git-receive-pack"));
  }
  if (!IsFleetName(first.fleet())) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("'", first.fleet(), "' is not a fleet name"));
  }
  absl::StatusOr<std::string> repository = apps_->PushedRepository(first.fleet());
  if (!repository.ok())
    return grpc::Status(grpc::StatusCode::INTERNAL, std::string(repository.status().message()));
  ProcessSpec spec;
  spec.argv = {"git", "-c", "safe.directory=*", "receive-pack", *repository};
  spec.env = {{"GIT_TERMINAL_PROMPT", "0"}, {"LC_ALL", "C"}};
  absl::StatusOr<std::unique_ptr<PipedProcess>> git =
      PipedProcess::Start(spec, *repository + ".log");
  if (!git.ok())
    return grpc::Status(grpc::StatusCode::INTERNAL, std::string(git.status().message()));

  // git's answers go back as they come, from a thread of their own; the operator's bytes go in
  // from this one until dmctl says it has sent all.
  std::thread answers([&] {
    for (;;) {
      absl::StatusOr<std::string> data = (*git)->Read();
      if (!data.ok() || data->empty()) return;
      dm::v1::GitTransportMessage out;
      out.set_data(std::move(*data));
      if (!stream->Write(out)) return;
    }
  });
  if (!first.data().empty()) (void)(*git)->Write(first.data());
  dm::v1::GitTransportMessage in;
  while (stream->Read(&in)) {
    if ((*git)->Write(in.data()).ok()) continue;
    break;  // git stopped reading: it is done, or failed
  }
  (*git)->CloseInput();
  answers.join();
  const int code = (*git)->Wait();
  if (code != 0) {
    return grpc::Status(
        grpc::StatusCode::ABORTED,
        absl::StrCat("git receive-pack exited with ", code, " (see ", *repository, ".log)"));
  }
  Audit("app.pushed", first.fleet(), "");
  return grpc::Status::OK;
}

}  // namespace dm
