// Reads the few values a wire format needs from a JSON text through nlohmann's SAX parser: no DOM is
// built or freed per answer, and the parser keeps its own stack, so any depth of nesting is safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace synthgen {

enum class JsonKind { null, boolean, integer, unsigned_integer, floating, string, object, array };

// One value as a reader sees it. `text` is the parser's own buffer: a reader may move from it.
struct JsonValue {
  JsonKind kind;
  std::uint64_t unsigned_value = 0;  // for unsigned_integer
  std::string* text = nullptr;       // for string
};

// A string value, moved out of the parser's buffer, or nothing for any other kind of value.
inline std::optional<std::string> take_string(const JsonValue& value) {
  if (value.kind != JsonKind::string) return std::nullopt;
  return std::move(*value.text);
}

// Follows the paths a Reader asks for and hands it each value on them, in document order:
//   enum class Role { ignored, root, ... };
//   Role member_role(Role object, std::string_view key) const;   // the value under `key`
//   Role element_role(Role array, std::size_t index) const;      // the element at `index`
//   void value(Role role, const JsonValue& value);                // containers too, as they open
// A repeated key gives its role a new value(), so a reader that resets on it keeps the last one,
// as nlohmann's DOM does. Paths deeper than max_depth containers are not followed.
template <class Reader>
class JsonPathFilter {
 public:
  using Role = typename Reader::Role;
  using json = nlohmann::json;
  static constexpr std::size_t max_depth = 8;

  explicit JsonPathFilter(Reader& reader) : reader_(reader) {}

  bool null() { return scalar({JsonKind::null}); }
  bool boolean(bool /*value*/) { return scalar({JsonKind::boolean}); }
  bool number_integer(json::number_integer_t /*value*/) { return scalar({JsonKind::integer}); }
  bool number_unsigned(json::number_unsigned_t value) { return scalar({JsonKind::unsigned_integer, value}); }
  bool number_float(json::number_float_t /*value*/, const json::string_t& /*raw*/) { return scalar({JsonKind::floating}); }
  bool string(json::string_t& value) { return scalar({JsonKind::string, 0, &value}); }
  bool binary(json::binary_t& /*value*/) { return scalar({JsonKind::null}); }  // never sent by the JSON reader
  bool start_object(std::size_t /*elements*/) { return open(JsonKind::object); }
  bool start_array(std::size_t /*elements*/) { return open(JsonKind::array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const json::exception& /*error*/) { return false; }

  bool key(json::string_t& name) {
    if (ignored_depth_ == 0) frames_[depth_ - 1].pending = reader_.member_role(frames_[depth_ - 1].role, name);
    return true;
  }

 private:
  struct Frame {
    Role role = Role::ignored;
    Role pending = Role::ignored;  // of the value after the last key, in an object
    std::size_t next_index = 0;    // of the next element, in an array
    bool object = false;
  };

  Role next_role() {
    if (ignored_depth_ > 0) return Role::ignored;
    if (depth_ == 0) return Role::root;
    auto& frame = frames_[depth_ - 1];
    return frame.object ? frame.pending : reader_.element_role(frame.role, frame.next_index++);
  }

  bool scalar(const JsonValue& value) {
    if (const auto role = next_role(); role != Role::ignored) reader_.value(role, value);
    return true;
  }

  bool open(JsonKind kind) {
    const auto role = next_role();
    if (role != Role::ignored) reader_.value(role, {kind});
    if (role == Role::ignored || depth_ == max_depth) {
      ++ignored_depth_;
    } else {
      frames_[depth_++] = {role, Role::ignored, 0, kind == JsonKind::object};
    }
    return true;
  }

  bool close() {
    if (ignored_depth_ > 0) {
      --ignored_depth_;
    } else {
      --depth_;
    }
    return true;
  }

  Reader& reader_;
  std::array<Frame, max_depth> frames_{};
  std::size_t depth_ = 0;          // containers followed
  std::size_t ignored_depth_ = 0;  // containers open inside one that is not followed
};

// Parses all of `text` (strictly: one value, nothing after it) and feeds the Reader; false when the
// text is not JSON. Values already handed over stay with the Reader either way.
template <class Reader>
bool read_json_paths(std::string_view text, Reader& reader) {
  JsonPathFilter<Reader> filter(reader);
  return nlohmann::json::sax_parse(text, &filter);
}

}  // namespace synthgen
