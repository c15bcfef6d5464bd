// A small, fast YAML document tree that remembers where every node came from (file, line,
// column), so that every error about configuration can point at the exact spot.
//
// Built on libyaml's event parser rather than yaml-cpp: parsing a 600-resource recipe must cost
// a few milliseconds, not fifteen. Scalars are kept as text; callers decide what a value means
// (so `mode: 0644` is the string "0644", never the integer 420).
#ifndef DM_COMMON_YAML_YAML_TREE_H_
#define DM_COMMON_YAML_YAML_TREE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace dm::yaml {

// Where something is in a source file; lines and columns count from 1.
struct Mark {
  // Interned: a tree of thousands of nodes shares one copy of its file name.
  const std::string* file = nullptr;
  int line = 0;
  int column = 0;

  // "file:line:column"
  std::string ToString() const;
};

// A process-lifetime copy of `name` for Mark::file (file names are few; they are never freed).
const std::string* InternFileName(const std::string& name);

class Node {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMap };

  Kind kind() const { return kind_; }
  bool IsNull() const { return kind_ == Kind::kNull; }
  bool IsScalar() const { return kind_ == Kind::kScalar; }
  bool IsSequence() const { return kind_ == Kind::kSequence; }
  bool IsMap() const { return kind_ == Kind::kMap; }
  // True for a plain scalar (no quotes): only those can mean true/false/numbers/null.
  bool plain() const { return plain_; }

  const Mark& mark() const { return mark_; }
  const std::string& scalar() const { return scalar_; }
  const std::vector<Node>& items() const { return items_; }
  // Map entries in document order; keys are scalars.
  const std::vector<std::pair<Node, Node>>& entries() const { return entries_; }
  // The value for `key` in a map, or nullptr.
  const Node* Find(const std::string& key) const;

  // "a map", "a list", "a string", "nothing": for error messages.
  std::string KindName() const;

 private:
  friend class TreeBuilder;
  Kind kind_ = Kind::kNull;
  bool plain_ = false;
  Mark mark_;
  std::string scalar_;
  std::vector<Node> items_;
  std::vector<std::pair<Node, Node>> entries_;
};

// What any input may cost: a document is refused past these, before or as soon as they are
// crossed, so that reading a hostile or broken file takes time and memory bounded by its size.
// The largest real file (a 600-resource recipe) is ~100 KB and 6 levels deep.
inline constexpr size_t kMaxDocumentBytes = 8 << 20;
inline constexpr int kMaxDepth = 64;

// Parses one YAML document. `file` names the source in marks and errors. Anchors and aliases
// are refused (they make "where did this value come from" ambiguous); an empty document is a
// null node. Errors read "file:line:column: what is wrong". Documents over kMaxDocumentBytes
// or nested deeper than kMaxDepth are refused.
absl::StatusOr<Node> Parse(const std::string& text, const std::string& file);

// Reads and parses a file.
absl::StatusOr<Node> ParseFile(const std::string& path);

}  // namespace dm::yaml

#endif  // DM_COMMON_YAML_YAML_TREE_H_
