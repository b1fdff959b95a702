#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>

namespace concord::widgets {

// Highlights the Istio YAML the controller plans: keys, strings, numbers and
// booleans, comments and document separators. Line-local, like YAML's tokens
// the previews use; block scalars are left plain.
class YamlHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(YamlHighlighter)

public:
    explicit YamlHighlighter(QTextDocument* document);

protected:
    void highlightBlock(const QString& text) override;

private:
    struct Rule
    {
        QRegularExpression pattern;
        QTextCharFormat format;
        int group = 0;
    };
    QList<Rule> m_rules;
};

}  // namespace concord::widgets
