// A small XML reader for the answers of APIs that speak XML (EC2's Query API, S3): elements,
// their text and attributes, nothing more (no DTDs, no external entities, no namespaces beyond
// dropping a prefix). Bounded: a document over `max_bytes` or nested deeper than `max_depth` is
// refused at once, so any input costs time and memory in proportion to its size.
#ifndef DM_COMMON_XML_XML_TREE_H_
#define DM_COMMON_XML_XML_TREE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dm::xml {

struct Element {
  std::string name;  // without a namespace prefix: "instancesSet"
  std::map<std::string, std::string> attributes;
  std::string text;  // the character data directly inside, entities decoded
  std::vector<Element> children;

  // The first child named `name`, or nullptr.
  const Element* Child(const std::string& name) const;
  // Its text, or "" when there is no such child.
  std::string ChildText(const std::string& name) const;
  // Every child named `name`, in order.
  std::vector<const Element*> Children(const std::string& name) const;
  // Follows a path of child names ("instanceState", "name"); nullptr when one is missing.
  const Element* Find(std::initializer_list<const char*> path) const;
};

struct Limits {
  size_t max_bytes = 16 << 20;
  int max_depth = 64;
};

// The document's root element. InvalidArgument naming the byte offset of the first problem.
absl::StatusOr<Element> Parse(const std::string& text, Limits limits = {});

}  // namespace dm::xml

#endif  // DM_COMMON_XML_XML_TREE_H_
