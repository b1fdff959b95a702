#include "yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <utility>

namespace concord::core {

namespace {

// Builds YamlNodes from the parser's events, as yaml-cpp's own NodeBuilder
// does, without recursion: an explicit stack holds the open collections.
class TreeBuilder final : public YAML::EventHandler
{
public:
    explicit TreeBuilder(YamlStream& stream) : m_stream(stream) {}

    const YAML::Mark& documentStart() const { return m_documentStart; }

    void OnDocumentStart(const YAML::Mark& mark) override
    {
        m_documentStart = mark;
        m_anchors.clear();
        m_open.clear();
        m_root = nullptr;
    }
    void OnDocumentEnd() override
    {
        if (m_root == nullptr)
            m_root = add(YamlNode::Kind::Null, m_documentStart, YAML::NullAnchor);
        m_stream.documents.push_back(m_root);
    }
    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override
    {
        add(YamlNode::Kind::Null, mark, anchor);
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override
    {
        if (anchor == YAML::NullAnchor || anchor > m_anchors.size())
            throw YAML::ParserException(mark, "unknown anchor");
        attach(m_anchors[anchor - 1]);
    }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  const std::string& value) override
    {
        add(YamlNode::Kind::Scalar, mark, anchor)->scalar = value;
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override
    {
        m_open.push_back(add(YamlNode::Kind::Sequence, mark, anchor));
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override
    {
        m_open.push_back(add(YamlNode::Kind::Map, mark, anchor));
    }
    void OnMapEnd() override { close(); }

private:
    YamlNode* add(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor)
    {
        auto node = std::make_unique<YamlNode>();
        node->kind = kind;
        node->mark = mark;
        YamlNode* raw = node.get();
        m_stream.nodes.push_back(std::move(node));
        if (anchor != YAML::NullAnchor) {
            // yaml-cpp numbers a document's anchors 1, 2, 3... as it meets them.
            if (anchor > m_anchors.size())
                m_anchors.resize(anchor, nullptr);
            m_anchors[anchor - 1] = raw;
        }
        attach(raw);
        return raw;
    }
    void attach(const YamlNode* node)
    {
        if (node == nullptr)
            throw YAML::ParserException(YAML::Mark::null_mark(), "alias to an unknown anchor");
        if (m_open.empty())
            m_root = node;
        else
            m_open.back()->children.push_back(node);
    }
    void close()
    {
        if (!m_open.empty())
            m_open.pop_back();
    }

    YamlStream& m_stream;
    YAML::Mark m_documentStart;
    std::vector<const YamlNode*> m_anchors;
    std::vector<YamlNode*> m_open;
    const YamlNode* m_root = nullptr;
};

}  // namespace

Result<YamlStream> loadYamlStream(std::string_view text, std::string_view sourceName)
{
    try {
        std::istringstream input{std::string(text)};
        YAML::Parser parser(input);
        YamlStream stream;
        TreeBuilder builder(stream);
        int previousStart = -1;
        while (parser.HandleNextDocument(builder)) {
            // A document starting where the last one did means the parser is
            // stuck on a token it cannot consume.
            if (builder.documentStart().pos == previousStart)
                return yamlError(sourceName, builder.documentStart(),
                                 "invalid YAML: unexpected token where a document should start");
            previousStart = builder.documentStart().pos;
        }
        return stream;
    } catch (const YAML::Exception& e) {
        return yamlError(sourceName, e.mark, "invalid YAML: " + e.msg);
    }
}

Error yamlError(std::string_view source, const YAML::Mark& mark, std::string message)
{
    Error error;
    error.source = std::string(source);
    if (!mark.is_null() && mark.line >= 0) {
        error.line = mark.line + 1;
        error.column = mark.column + 1;
    }
    error.message = std::move(message);
    return error;
}

bool isValidUtf8(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        char32_t code = 0;
        if (lead < 0x80) {
            length = 1;
            code = lead;
        } else if (lead >= 0xc2 && lead <= 0xdf) {
            length = 2;
            code = lead & 0x1fu;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            length = 3;
            code = lead & 0x0fu;
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            length = 4;
            code = lead & 0x07u;
        } else {
            return false;
        }
        if (i + length > text.size())
            return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0u) != 0x80u)
                return false;
            code = (code << 6) | (next & 0x3fu);
        }
        const char32_t minimum = length == 1   ? 0
                                 : length == 2 ? 0x80
                                 : length == 3 ? 0x800
                                               : 0x10000;
        if (code < minimum || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
            return false;
        i += length;
    }
    return true;
}

}  // namespace concord::core
