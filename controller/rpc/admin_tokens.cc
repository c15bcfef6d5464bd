// Admin RPCs about join tokens: create, list, revoke.
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "controller/rpc/admin_handler.h"
#include "controller/rpc/proto_convert.h"

namespace dm {

grpc::Status AdminHandler::CreateToken(grpc::ServerContext* context,
                                       const dm::v1::CreateTokenRequest* request,
                                       dm::v1::CreateTokenResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  TokenOptions options;
  if (request->ttl_seconds() > 0) options.ttl = absl::Seconds(request->ttl_seconds());
  if (request->uses() > 0) options.uses = request->uses();
  options.role = request->role();
  options.description = request->description();
  absl::StatusOr<NewToken> created = tokens_->Create(options);
  if (!created.ok()) return ToGrpcStatus(created.status());

  // Only the id is logged and audited: the secret leaves the controller once, in this response.
  LogInfo("created join token {} (role '{}', {} uses, expires in {})", created->record.id,
          created->record.role, created->record.uses_allowed, absl::FormatDuration(options.ttl));
  Audit("token.created", created->record.id,
        absl::StrCat("role '", created->record.role, "', ", created->record.uses_allowed, " uses"));
  response->set_token(created->token.ToString());
  *response->mutable_info() = ToProto(created->record);
  return grpc::Status::OK;
}

grpc::Status AdminHandler::ListTokens(grpc::ServerContext* context,
                                      const dm::v1::ListTokensRequest*,
                                      dm::v1::ListTokensResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  absl::StatusOr<std::vector<TokenRecord>> tokens = tokens_->List();
  if (!tokens.ok()) return ToGrpcStatus(tokens.status());
  for (const TokenRecord& t : *tokens) *response->add_tokens() = ToProto(t);
  return grpc::Status::OK;
}

grpc::Status AdminHandler::RevokeToken(grpc::ServerContext* context,
                                       const dm::v1::RevokeTokenRequest* request,
                                       dm::v1::RevokeTokenResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  absl::StatusOr<TokenRecord> revoked = tokens_->Revoke(request->id());
  if (!revoked.ok()) return ToGrpcStatus(revoked.status());
  LogInfo("revoked join token {}", revoked->id);
  Audit("token.revoked", revoked->id, "revoked");
  *response->mutable_info() = ToProto(*revoked);
  return grpc::Status::OK;
}

}  // namespace dm
