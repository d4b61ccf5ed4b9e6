#pragma once
// A small JSON Schema (draft 2020-12) checker for the subset clusterplan's
// schemas use, written for the tests (no Debian package offers a C++
// validator for 2020-12): type, enum, const, properties, required,
// additionalProperties, items, minItems, minimum, maximum, exclusiveMinimum,
// minLength, pattern, $ref to "#/$defs/NAME", allOf, anyOf, oneOf and
// if/then/else; the annotations $schema, $id, title, description,
// $comment. Any other keyword is reported as unsupported, so a schema
// cannot lean on a keyword this checker would silently skip.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace schema_check {

// Problems of `instance` against `schema` (the root, for $ref), each
// "/json/pointer: what is wrong"; empty when it conforms.
std::vector<std::string> validate(const nlohmann::json& schema, const nlohmann::json& instance);

// Keywords of `schema` (and its subschemas) outside the supported subset.
std::vector<std::string> unsupported_keywords(const nlohmann::json& schema);

}  // namespace schema_check
