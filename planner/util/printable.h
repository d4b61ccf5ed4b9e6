#pragma once
// Text from user input (paths, ids, names, keys, command-line words) made safe
// to print on a terminal and to put in JSON: nothing the user wrote may move
// the cursor, ring the bell or break a JSON dump (issue 13).

#include <cstddef>
#include <string>
#include <string_view>

namespace planner::util {

// Bytes in the well-formed UTF-8 sequence starting at text[i]; 0 when the
// byte there starts none (a stray continuation byte, an overlong form, a
// surrogate, a code point past U+10FFFF, a cut-off sequence).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

// True when `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

enum class Newlines { escape, keep };

// `text` with every byte of an ill-formed UTF-8 sequence written as \xNN, and
// control characters (U+0000-U+001F, U+007F) as \xNN, except newlines when
// `newlines` is keep. Idempotent: escaping escaped text changes nothing.
std::string escape_unprintable(std::string_view text, Newlines newlines = Newlines::escape);

// escape_unprintable, then, when longer than `max_bytes`, the start and the
// end kept and the middle replaced by "...(N bytes cut)..." (cut at UTF-8
// character boundaries), so that a 1 MB name prints as one short line.
std::string printable(std::string_view text, std::size_t max_bytes = 240);

}  // namespace planner::util
