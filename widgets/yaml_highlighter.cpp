#include "widgets/yaml_highlighter.h"

namespace concord::widgets {

namespace {

QTextCharFormat charFormat(const QColor& color, bool bold = false, bool italic = false)
{
    QTextCharFormat f;
    f.setForeground(color);
    if (bold)
        f.setFontWeight(QFont::Bold);
    f.setFontItalic(italic);
    return f;
}

}  // namespace

YamlHighlighter::YamlHighlighter(QTextDocument* document) : QSyntaxHighlighter(document)
{
    // Order matters: later rules paint over earlier ones (a '#' inside a
    // quoted string is not a comment, so strings come after comments).
    m_rules = {
        {QRegularExpression(QStringLiteral(R"(^\s*(?:- )?([A-Za-z0-9_.\-/]+):(?=\s|$))")),
         charFormat(QColor(0x1f, 0x6f, 0xc5), true), 1},
        {QRegularExpression(QStringLiteral(R"(:\s+(-?\d+(?:\.\d+)?)\s*$)")),
         charFormat(QColor(0x9c, 0x27, 0xb0)), 1},
        {QRegularExpression(QStringLiteral(R"(:\s+(true|false|null)\s*$)")),
         charFormat(QColor(0x9c, 0x27, 0xb0), true), 1},
        {QRegularExpression(QStringLiteral(R"((#.*)$)")),
         charFormat(QColor(0x80, 0x80, 0x80), false, true), 1},
        {QRegularExpression(QStringLiteral(R"(("(?:[^"\\]|\\.)*"|'[^']*'))")),
         charFormat(QColor(0x2e, 0x7d, 0x32)), 1},
        {QRegularExpression(QStringLiteral(R"(^(---|\.\.\.)\s*$)")),
         charFormat(QColor(0xe0, 0x6c, 0x00), true), 1},
    };
}

void YamlHighlighter::highlightBlock(const QString& text)
{
    for (const Rule& rule : std::as_const(m_rules)) {
        auto it = rule.pattern.globalMatch(text);
        while (it.hasNext()) {
            const QRegularExpressionMatch match = it.next();
            setFormat(int(match.capturedStart(rule.group)), int(match.capturedLength(rule.group)),
                      rule.format);
        }
    }
}

}  // namespace concord::widgets
