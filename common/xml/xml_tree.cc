#include "common/xml/xml_tree.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dm::xml {

const Element* Element::Child(const std::string& child) const {
  for (const Element& c : children) {
    if (c.name == child) return &c;
  }
  return nullptr;
}

std::string Element::ChildText(const std::string& child) const {
  const Element* c = Child(child);
  return c == nullptr ? "" : c->text;
}

std::vector<const Element*> Element::Children(const std::string& child) const {
  std::vector<const Element*> out;
  for (const Element& c : children) {
    if (c.name == child) out.push_back(&c);
  }
  return out;
}

const Element* Element::Find(std::initializer_list<const char*> path) const {
  const Element* at = this;
  for (const char* step : path) {
    at = at->Child(step);
    if (at == nullptr) return nullptr;
  }
  return at;
}

namespace {

class Parser {
 public:
  Parser(const std::string& text, Limits limits) : s_(text), limits_(limits) {}

  absl::StatusOr<Element> Document() {
    if (s_.size() > limits_.max_bytes) {
      return absl::InvalidArgumentError(absl::StrCat("XML: ", s_.size(), " bytes, more than the ",
                                                     limits_.max_bytes, " allowed"));
    }
    SkipMisc();
    if (!ok_) return Error();
    if (at_ >= s_.size() || s_[at_] != '<') {
      Fail("no root element");
      return Error();
    }
    Element root;
    if (!ParseElement(&root, 1)) return Error();
    SkipMisc();
    if (!ok_) return Error();
    if (at_ != s_.size()) {
      Fail("text after the root element");
      return Error();
    }
    return root;
  }

 private:
  absl::Status Error() const {
    return absl::InvalidArgumentError(absl::StrCat("XML at byte ", error_at_, ": ", error_));
  }
  // Records the first problem and where it is; the parse then stops.
  void Fail(const std::string& what) {
    if (ok_) {
      ok_ = false;
      error_ = what;
      error_at_ = at_;
    }
  }
  bool Starts(const std::string& prefix) const {
    return s_.compare(at_, prefix.size(), prefix) == 0;
  }
  // Skips past `end`; false (and an error) when it never comes.
  bool SkipPast(const std::string& end, const char* what) {
    size_t found = s_.find(end, at_);
    if (found == std::string::npos) {
      Fail(absl::StrCat("an unterminated ", what));
      return false;
    }
    at_ = found + end.size();
    return true;
  }
  void SkipSpace() {
    while (at_ < s_.size() && absl::ascii_isspace(static_cast<unsigned char>(s_[at_]))) ++at_;
  }
  // Declarations, comments and processing instructions between elements. A DOCTYPE is refused:
  // answers never need one, and entity tricks live there.
  void SkipMisc() {
    for (;;) {
      SkipSpace();
      if (Starts("<?")) {
        if (!SkipPast("?>", "processing instruction")) return;
      } else if (Starts("<!--")) {
        if (!SkipPast("-->", "comment")) return;
      } else if (Starts("<!")) {
        Fail("a DOCTYPE or declaration, which is not accepted");
        return;
      } else {
        return;
      }
    }
  }
  std::string Name() {
    size_t start = at_;
    while (at_ < s_.size()) {
      char c = s_[at_];
      if (absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '>' || c == '/' || c == '=')
        break;
      ++at_;
    }
    return s_.substr(start, at_ - start);
  }
  static std::string LocalName(const std::string& name) {
    size_t colon = name.find(':');
    return colon == std::string::npos ? name : name.substr(colon + 1);
  }
  // Appends `raw` with its entities decoded.
  bool Decode(absl::string_view raw, std::string* out) {
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        *out += raw[i];
        continue;
      }
      size_t end = raw.find(';', i);
      if (end == absl::string_view::npos || end - i > 10) {
        Fail("an unterminated entity");
        return false;
      }
      absl::string_view entity = raw.substr(i + 1, end - i - 1);
      if (entity == "lt") {
        *out += '<';
      } else if (entity == "gt") {
        *out += '>';
      } else if (entity == "amp") {
        *out += '&';
      } else if (entity == "quot") {
        *out += '"';
      } else if (entity == "apos") {
        *out += '\'';
      } else if (!entity.empty() && entity[0] == '#') {
        uint32_t code = 0;
        bool parsed = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X')
                          ? absl::SimpleHexAtoi(entity.substr(2), &code)
                          : absl::SimpleAtoi(entity.substr(1), &code);
        if (!parsed || code == 0 || code > 0x10FFFF) {
          Fail("a bad character reference");
          return false;
        }
        // UTF-8.
        if (code < 0x80) {
          *out += static_cast<char>(code);
        } else if (code < 0x800) {
          *out += static_cast<char>(0xC0 | (code >> 6));
          *out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
          *out += static_cast<char>(0xE0 | (code >> 12));
          *out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
          *out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
          *out += static_cast<char>(0xF0 | (code >> 18));
          *out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
          *out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
          *out += static_cast<char>(0x80 | (code & 0x3F));
        }
      } else {
        Fail(absl::StrCat("an unknown entity &", std::string(entity), ";"));
        return false;
      }
      i = end;
    }
    return true;
  }
  bool ParseElement(Element* element, int depth) {
    if (depth > limits_.max_depth) {
      Fail(absl::StrCat("nested deeper than ", limits_.max_depth, " elements"));
      return false;
    }
    ++at_;  // '<'
    const std::string name = Name();
    if (name.empty()) {
      Fail("an element without a name");
      return false;
    }
    element->name = LocalName(name);
    for (;;) {  // attributes
      SkipSpace();
      if (at_ >= s_.size()) {
        Fail("a tag cut short");
        return false;
      }
      if (Starts("/>")) {
        at_ += 2;
        return true;
      }
      if (s_[at_] == '>') {
        ++at_;
        break;
      }
      const std::string attribute = Name();
      SkipSpace();
      if (attribute.empty() || at_ >= s_.size() || s_[at_] != '=') {
        Fail("an attribute without a value");
        return false;
      }
      ++at_;
      SkipSpace();
      if (at_ >= s_.size() || (s_[at_] != '"' && s_[at_] != '\'')) {
        Fail("an attribute value without quotes");
        return false;
      }
      const char quote = s_[at_++];
      size_t end = s_.find(quote, at_);
      if (end == std::string::npos) {
        Fail("an unterminated attribute value");
        return false;
      }
      std::string value;
      if (!Decode(absl::string_view(s_).substr(at_, end - at_), &value)) return false;
      element->attributes[LocalName(attribute)] = std::move(value);
      at_ = end + 1;
    }
    for (;;) {  // content
      size_t lt = s_.find('<', at_);
      if (lt == std::string::npos) {
        Fail(absl::StrCat("element <", name, "> is never closed"));
        return false;
      }
      if (!Decode(absl::string_view(s_).substr(at_, lt - at_), &element->text)) return false;
      at_ = lt;
      if (Starts("</")) {
        at_ += 2;
        const std::string closing = Name();
        SkipSpace();
        if (closing != name || at_ >= s_.size() || s_[at_] != '>') {
          Fail(absl::StrCat("<", name, "> closed by </", closing, ">"));
          return false;
        }
        ++at_;
        return true;
      }
      if (Starts("<!--")) {
        if (!SkipPast("-->", "comment")) return false;
      } else if (Starts("<![CDATA[")) {
        at_ += 9;
        size_t end = s_.find("]]>", at_);
        if (end == std::string::npos) {
          Fail("an unterminated CDATA section");
          return false;
        }
        element->text += s_.substr(at_, end - at_);
        at_ = end + 3;
      } else if (Starts("<?")) {
        if (!SkipPast("?>", "processing instruction")) return false;
      } else if (Starts("<!")) {
        Fail("a declaration inside an element");
        return false;
      } else {
        element->children.emplace_back();
        if (!ParseElement(&element->children.back(), depth + 1)) return false;
      }
    }
  }

  const std::string& s_;
  const Limits limits_;
  size_t at_ = 0;
  bool ok_ = true;
  std::string error_;
  size_t error_at_ = 0;
};

}  // namespace

absl::StatusOr<Element> Parse(const std::string& text, Limits limits) {
  Parser parser(text, limits);
  return parser.Document();
}

}  // namespace dm::xml
