#pragma once

#include <yaml-cpp/mark.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace concord::core {

// One node of a YAML document, with where it starts.
struct YamlNode
{
    enum class Kind
    {
        Null,
        Scalar,
        Sequence,
        Map,
    };

    Kind kind = Kind::Null;
    YAML::Mark mark;  // 0-based line and column, as yaml-cpp reports them
    std::string scalar;
    // Sequence: the items. Map: key, value, key, value... An alias is the
    // anchored node itself, so nodes may be shared, and even form cycles.
    std::vector<const YamlNode*> children;

    bool isNull() const { return kind == Kind::Null; }
    bool isScalar() const { return kind == Kind::Scalar; }
    bool isSequence() const { return kind == Kind::Sequence; }
    bool isMap() const { return kind == Kind::Map; }
};

// Every document of a YAML stream; the stream owns all the nodes.
struct YamlStream
{
    std::vector<std::unique_ptr<YamlNode>> nodes;
    std::vector<const YamlNode*> documents;  // one root per document, in order
};

// Reads a multi-document stream with yaml-cpp's parser. Unlike YAML::LoadAll
// (which in yaml-cpp 0.7 loops forever, allocating, on a stray ',' at block
// level) it always ends: malformed YAML is an Error with a 1-based position.
Result<YamlStream> loadYamlStream(std::string_view text, std::string_view sourceName);

// An Error at yaml-cpp's (0-based) mark, reported 1-based; a null mark gives
// an error about the document as a whole.
Error yamlError(std::string_view source, const YAML::Mark& mark, std::string message);

// Strict UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
// Kubernetes objects are UTF-8, and yaml-cpp's emitter silently replaces
// anything else with U+FFFD, so a reader must reject it to round-trip.
bool isValidUtf8(std::string_view text);

}  // namespace concord::core
