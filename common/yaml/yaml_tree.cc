#include "common/yaml/yaml_tree.h"

#include <yaml.h>

#include <mutex>
#include <set>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "common/files.h"

namespace dm::yaml {

std::string Mark::ToString() const {
  return absl::StrCat(file ? *file : std::string("<input>"), ":", line, ":", column);
}

const std::string* InternFileName(const std::string& name) {
  static std::mutex mu;
  static auto* names = new std::set<std::string>();
  std::lock_guard<std::mutex> lock(mu);
  return &*names->insert(name).first;
}

const Node* Node::Find(const std::string& key) const {
  for (const auto& [k, v] : entries_) {
    if (k.scalar_ == key) return &v;
  }
  return nullptr;
}

std::string Node::KindName() const {
  switch (kind_) {
    case Kind::kNull:
      return "nothing";
    case Kind::kScalar:
      return "a value";
    case Kind::kSequence:
      return "a list";
    case Kind::kMap:
      return "a map";
  }
  return "?";
}

// Turns libyaml's event stream into Nodes: a stack of open collections, each new node appended
// to the one on top (for maps, alternately as key and value).
class TreeBuilder {
 public:
  explicit TreeBuilder(const std::string& file) : file_(InternFileName(file)) {}

  absl::StatusOr<Node> Build(const std::string& text) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return absl::InternalError("libyaml: out of memory");
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    absl::Status status = Run(&parser);
    yaml_parser_delete(&parser);
    if (!status.ok()) return status;
    return std::move(root_);
  }

 private:
  struct Open {
    Node node;
    bool have_key = false;
    Node key;
    // A map's keys once it has many (Node::Find's scan would make a long map cost its square).
    std::unordered_set<std::string> many_keys;
  };
  static constexpr size_t kKeysScannedInPlace = 16;

  Mark MarkOf(const yaml_mark_t& m) const {
    return Mark{file_, static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1};
  }

  absl::Status Error(const yaml_mark_t& m, const std::string& what) const {
    return absl::InvalidArgumentError(absl::StrCat(MarkOf(m).ToString(), ": ", what));
  }

  absl::Status Run(yaml_parser_t* parser) {
    int documents = 0;
    for (;;) {
      yaml_event_t event;
      if (!yaml_parser_parse(parser, &event)) {
        std::string problem = parser->problem ? parser->problem : "invalid YAML";
        if (parser->context) problem = absl::StrCat(parser->context, ", ", problem);
        return Error(parser->problem_mark, problem);
      }
      absl::Status status = Handle(event, &documents);
      bool done = event.type == YAML_STREAM_END_EVENT;
      yaml_event_delete(&event);
      if (!status.ok()) return status;
      if (done) return absl::OkStatus();
    }
  }

  absl::Status Handle(const yaml_event_t& event, int* documents) {
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (++*documents > 1)
          return Error(event.start_mark, "only one YAML document is allowed per file");
        return absl::OkStatus();
      case YAML_ALIAS_EVENT:
        return Error(event.start_mark,
                     "anchors and aliases (*name) are not supported: write the value out");
      case YAML_SCALAR_EVENT: {
        if (event.data.scalar.anchor)
          return Error(event.start_mark, "anchors (&name) are not supported");
        Node n;
        n.mark_ = MarkOf(event.start_mark);
        n.scalar_.assign(reinterpret_cast<const char*>(event.data.scalar.value),
                         event.data.scalar.length);
        n.plain_ = event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        // A plain empty value, "~" or "null" is YAML's null.
        bool is_null = n.plain_ && (n.scalar_.empty() || n.scalar_ == "~" || n.scalar_ == "null");
        n.kind_ = is_null ? Node::Kind::kNull : Node::Kind::kScalar;
        return Add(std::move(n), event.start_mark);
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        bool seq = event.type == YAML_SEQUENCE_START_EVENT;
        if (seq ? event.data.sequence_start.anchor : event.data.mapping_start.anchor) {
          return Error(event.start_mark, "anchors (&name) are not supported");
        }
        if (stack_.size() >= static_cast<size_t>(kMaxDepth)) {
          return Error(event.start_mark,
                       absl::StrCat("nested more than ", kMaxDepth, " levels deep"));
        }
        Open open;
        open.node.kind_ = seq ? Node::Kind::kSequence : Node::Kind::kMap;
        open.node.mark_ = MarkOf(event.start_mark);
        stack_.push_back(std::move(open));
        return absl::OkStatus();
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Node done = std::move(stack_.back().node);
        stack_.pop_back();
        return Add(std::move(done), event.start_mark);
      }
      default:
        return absl::OkStatus();
    }
  }

  absl::Status Add(Node node, const yaml_mark_t& mark) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return absl::OkStatus();
    }
    Open& top = stack_.back();
    if (top.node.kind_ == Node::Kind::kSequence) {
      top.node.items_.push_back(std::move(node));
      return absl::OkStatus();
    }
    if (!top.have_key) {
      if (node.kind_ != Node::Kind::kScalar) return Error(mark, "map keys must be plain values");
      if (IsDuplicateKey(top, node.scalar_)) {
        return absl::InvalidArgumentError(
            absl::StrCat(node.mark_.ToString(), ": duplicate key '", node.scalar_, "'"));
      }
      top.key = std::move(node);
      top.have_key = true;
      return absl::OkStatus();
    }
    top.node.entries_.emplace_back(std::move(top.key), std::move(node));
    top.have_key = false;
    return absl::OkStatus();
  }

  // Records `key` as seen in the map `open`; true if it was already.
  static bool IsDuplicateKey(Open& open, const std::string& key) {
    const auto& entries = open.node.entries_;
    if (entries.size() < kKeysScannedInPlace) return open.node.Find(key) != nullptr;
    if (open.many_keys.empty()) {
      for (const auto& [k, v] : entries) open.many_keys.insert(k.scalar_);
    }
    return !open.many_keys.insert(key).second;
  }

  const std::string* file_;
  std::vector<Open> stack_;
  Node root_;
};

absl::StatusOr<Node> Parse(const std::string& text, const std::string& file) {
  if (text.size() > kMaxDocumentBytes) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": ", text.size(),
                                                   " bytes, more than a configuration file may "
                                                   "have (",
                                                   kMaxDocumentBytes >> 20, " MiB)"));
  }
  return TreeBuilder(file).Build(text);
}

absl::StatusOr<Node> ParseFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, kMaxDocumentBytes);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

}  // namespace dm::yaml
