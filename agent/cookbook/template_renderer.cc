#include "agent/cookbook/template_renderer.h"

#include <kainjow/mustache.hpp>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "agent/cookbook/interpolate.h"

namespace dm::cookbook {
namespace {

namespace mustache = kainjow::mustache;

// Checking walks the tags with a stack of the data each open section would be rendered with.
// A section over a list is checked against its first element; an empty list (or an inverted
// section) cannot say what its body may use, so anything goes inside it.
struct Scope {
  const Attributes* data;  // nullptr: anything goes
  std::string section;
};

const Attributes* Lookup(const std::vector<Scope>& stack, const std::string& name,
                         bool* anything_goes) {
  *anything_goes = false;
  std::vector<std::string> parts = absl::StrSplit(name, '.');
  for (auto scope = stack.rbegin(); scope != stack.rend(); ++scope) {
    if (scope->data == nullptr) {
      *anything_goes = true;
      return nullptr;
    }
    if (name == ".") return scope->data;
    if (!scope->data->is_object()) continue;
    auto first = scope->data->find(parts[0]);
    if (first == scope->data->end()) continue;
    const Attributes* at = &*first;
    for (size_t i = 1; i < parts.size() && at; ++i) {
      auto next = at->is_object() ? at->find(parts[i]) : at->end();
      at = at->is_object() && next != at->end() ? &*next : nullptr;
    }
    return at;  // Mustache resolves the first part only, then walks down from it
  }
  return nullptr;
}

void Check(const std::string& text, const std::string& file, const Attributes& data,
           const std::string& context, yaml::ValidationErrors* errors) {
  const std::string* interned = yaml::InternFileName(file);
  std::vector<Scope> stack{{&data, ""}};
  int line = 1;
  size_t line_start = 0, scanned = 0;
  auto mark_at = [&](size_t pos) {
    for (; scanned < pos; ++scanned) {
      if (text[scanned] == '\n') ++line, line_start = scanned + 1;
    }
    return yaml::Mark{interned, line, static_cast<int>(pos - line_start) + 1};
  };
  for (size_t open = text.find("{{"); open != std::string::npos; open = text.find("{{", open)) {
    yaml::Mark mark = mark_at(open);
    bool triple = text.compare(open, 3, "{{{") == 0;
    size_t close = text.find(triple ? "}}}" : "}}", open);
    if (close == std::string::npos) {
      errors->Add(mark, absl::StrCat(context, "tag is not closed"));
      return;
    }
    std::string tag(absl::StripAsciiWhitespace(
        absl::string_view(text).substr(open + (triple ? 3 : 2), close - open - (triple ? 3 : 2))));
    open = close + (triple ? 3 : 2);
    char kind = tag.empty() ? ' ' : tag[0];
    if (kind == '!') continue;
    if (kind == '>' || kind == '=') {
      errors->Add(mark, absl::StrCat(context, kind == '>' ? "partials" : "delimiter changes",
                                     " are not supported"));
      continue;
    }
    std::string name = kind == '#' || kind == '^' || kind == '/' || kind == '&'
                           ? std::string(absl::StripAsciiWhitespace(tag.substr(1)))
                           : tag;
    if (kind == '/') {
      if (stack.size() < 2 || stack.back().section != name) {
        errors->Add(mark,
                    absl::StrCat(context, "{{/", name, "}} closes a section that is not open"));
        return;
      }
      stack.pop_back();
      continue;
    }
    bool anything_goes = false;
    const Attributes* value = Lookup(stack, name, &anything_goes);
    if (value == nullptr && !anything_goes) {
      errors->Add(mark, absl::StrCat(context, "variable '", name, "' is not defined"));
    }
    if (kind == '#') {
      const Attributes* inner = nullptr;
      if (value && value->is_array())
        inner = value->empty() ? nullptr : &(*value)[0];
      else if (value && value->is_object())
        inner = value;
      else if (value)
        inner = stack.back().data;  // a true value: the body sees the same data
      stack.push_back({inner, name});
    } else if (kind == '^') {
      stack.push_back({nullptr, name});
    }
  }
  if (stack.size() > 1) {
    errors->Add(mark_at(text.size()),
                absl::StrCat(context, "section '", stack.back().section, "' is not closed"));
  }
}

mustache::data ToMustache(const Attributes& value) {
  if (value.is_object()) {
    mustache::data map{mustache::data::type::object};
    for (auto it = value.begin(); it != value.end(); ++it) map.set(it.key(), ToMustache(*it));
    return map;
  }
  if (value.is_array()) {
    mustache::data list{mustache::data::type::list};
    for (const Attributes& item : value) list.push_back(ToMustache(item));
    return list;
  }
  if (value.is_boolean())
    return value.get<bool>() ? mustache::data::type::bool_true : mustache::data::type::bool_false;
  if (value.is_null()) return mustache::data::type::bool_false;
  return mustache::data(ScalarText(value));
}

}  // namespace

std::optional<std::string> RenderTemplate(const std::string& text, const std::string& file,
                                          const Attributes& data, const std::string& context,
                                          yaml::ValidationErrors* errors) {
  size_t before = errors->errors().size();
  Check(text, file, data, context, errors);
  if (errors->errors().size() != before) return std::nullopt;
  mustache::mustache tmpl(text);
  if (!tmpl.is_valid()) {
    errors->Add(yaml::Mark{yaml::InternFileName(file), 1, 1},
                absl::StrCat(context, tmpl.error_message()));
    return std::nullopt;
  }
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  return tmpl.render(ToMustache(data));
}

}  // namespace dm::cookbook
