// Admin RPCs for servers: boot, list, destroy (dmctl servers) and bootstrap (dmctl bootstrap,
// several servers in parallel, each step streamed as it runs).
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "controller/rpc/admin_handler.h"

namespace dm {
namespace {

dm::v1::StepStatus ToProto(StepOutcome outcome) {
  switch (outcome) {
    case StepOutcome::kRunning:
      return dm::v1::STEP_RUNNING;
    case StepOutcome::kChanged:
      return dm::v1::STEP_CHANGED;
    case StepOutcome::kOk:
      return dm::v1::STEP_OK;
    case StepOutcome::kFailed:
      return dm::v1::STEP_FAILED;
  }
  return dm::v1::STEP_FAILED;
}

}  // namespace

grpc::Status AdminHandler::BootServer(grpc::ServerContext* context,
                                      const dm::v1::BootServerRequest* request,
                                      grpc::ServerWriter<dm::v1::ServerEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  auto progress = [&](const std::string& message) {
    dm::v1::ServerEvent event;
    event.set_server(request->name());
    event.set_progress(message);
    writer->Write(event);
  };
  ServerBoot boot;
  boot.name = request->name();
  boot.provider = request->provider();
  boot.role = request->role();
  boot.image = request->image();
  boot.size = request->size();
  boot.region = request->region();
  absl::StatusOr<dm::v1::Server> server = servers_->Boot(boot, progress);
  if (!server.ok()) return ToGrpcStatus(server.status());
  Audit("server.booted", request->name(),
        absl::StrCat("provider ", server->provider(), ", address ", server->address()));
  dm::v1::ServerEvent done;
  done.set_server(request->name());
  *done.mutable_done() = *server;
  writer->Write(done);
  return grpc::Status::OK;
}

grpc::Status AdminHandler::ListServers(grpc::ServerContext* context,
                                       const dm::v1::ListServersRequest* request,
                                       dm::v1::ListServersResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  absl::StatusOr<std::vector<dm::v1::Server>> servers =
      request->provider().empty() ? servers_->List()
                                  : servers_->ListAtProvider(request->provider());
  if (!servers.ok()) return ToGrpcStatus(servers.status());
  for (dm::v1::Server& s : *servers) *response->add_servers() = std::move(s);
  return grpc::Status::OK;
}

grpc::Status AdminHandler::DestroyServer(grpc::ServerContext* context,
                                         const dm::v1::DestroyServerRequest* request,
                                         dm::v1::DestroyServerResponse*) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  if (absl::Status s = servers_->Destroy(request->name(), request->provider()); !s.ok())
    return ToGrpcStatus(s);
  Audit("server.destroyed", request->name(),
        request->provider().empty() ? "" : absl::StrCat("at provider ", request->provider()));
  return grpc::Status::OK;
}

grpc::Status AdminHandler::Bootstrap(grpc::ServerContext* context,
                                     const dm::v1::BootstrapRequest* request,
                                     grpc::ServerWriter<dm::v1::ServerEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  if (request->servers_size() == 0)
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "name the servers");
  std::mutex write_mu;  // the bootstraps run in parallel; the stream takes one write at a time
  auto write = [&](const dm::v1::ServerEvent& event) {
    std::lock_guard<std::mutex> lock(write_mu);
    writer->Write(event);
  };
  std::vector<std::thread> workers;
  for (const std::string& name : request->servers()) {
    workers.emplace_back([&, name] {
      absl::StatusOr<BootstrapReport> report = servers_->Bootstrap(
          name, [&](const std::string& step, StepOutcome outcome, const std::string& detail) {
            dm::v1::ServerEvent event;
            event.set_server(name);
            event.mutable_step()->set_step(step);
            event.mutable_step()->set_status(ToProto(outcome));
            event.mutable_step()->set_detail(detail);
            write(event);
          });
      dm::v1::ServerEvent end;
      end.set_server(name);
      if (!report.ok()) {
        end.set_error(std::string(report.status().message()));
        LogWarn("bootstrap of {} failed: {}", name, std::string(report.status().message()));
      } else {
        if (absl::StatusOr<dm::v1::Server> server = servers_->Get(name); server.ok())
          *end.mutable_done() = *server;
        dm::v1::ServerEvent summary;
        summary.set_server(name);
        summary.mutable_step()->set_step("done");
        summary.mutable_step()->set_status(report->changed_steps > 0 ? dm::v1::STEP_CHANGED
                                                                     : dm::v1::STEP_OK);
        summary.mutable_step()->set_bytes_sent(report->bytes_sent);
        write(summary);
      }
      write(end);
      Audit("server.bootstrapped", name,
            report.ok() ? absl::StrCat(report->changed_steps, " steps changed")
                        : std::string(report.status().message()));
    });
  }
  for (auto& w : workers) w.join();
  return grpc::Status::OK;
}

}  // namespace dm
